// Each job kind's payload. The module that owns a kind adds it here by declaration merging
// (`declare module '../db/queue/job-payloads.js' { interface JobPayloads { kind: Payload } }`), so the
// queue imports no domain code while the compiler checks a kind's payload where the job is queued and
// where its handler reads it.

// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each kind's module
export interface JobPayloads {}

export type JobKind = keyof JobPayloads;
