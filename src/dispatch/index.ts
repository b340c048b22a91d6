/** Dispatch progress: endpoint rules, the signed/OIDC progress client, its seq counter, and the action's own updates. */
export { EndpointError, displayEndpoint, hostMatches, isLoopbackHost, validateProgressEndpoint, type ProgressEndpoint } from "./endpoint";
export {
  DEFAULT_DELIVERY,
  NO_AUTH_REASON,
  PROGRESS_STATUSES,
  ProgressClient,
  describeDelivery,
  type DeliveryPolicy,
  type DeliveryResult,
  type ProgressBody,
  type ProgressConfig,
  type ProgressStatus,
  type ProgressUpdate,
} from "./progress";
export { finalUpdate, parseStructuredOutput, startUpdate, type FinalInput, type FinalLinks } from "./messages";
export { defaultSeqFile, progressConfigFromState, type ProgressSettings } from "./config";
export { PROGRESS_HEADERS, signBody, signatureMatches } from "./signature";
export { OIDC_ENV, oidcAvailable } from "./oidc";
export { nextSeq, currentSeq, SeqError } from "./seq";
