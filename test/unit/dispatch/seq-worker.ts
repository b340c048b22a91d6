// Child process for the seq test: takes N numbers from the shared file and prints them as JSON.
import { nextSeq } from "../../../src/dispatch/seq";

const [file, count] = process.argv.slice(2);
const taken: number[] = [];
for (let i = 0; i < Number(count); i++) taken.push(await nextSeq(file!));
process.stdout.write(JSON.stringify(taken));
