// The commit API: crash-safe in-place commits, recovery of interrupted ones, and save-a-copy.
export type { FileIdentity } from '../../../../native/index';
export type { PendingEdit } from '../../../shared/editModel';
export { commitEdits } from './commitInPlace';
export { journalPath } from './journalFile';
export { discardJournal, finishJournal, inspectJournal, rollbackJournal, type JournalInfo } from './recovery';
export { saveCopy, type SaveCopyOptions, type SaveCopyOutcome } from './saveCopy';
export { commitTesting, type CommitStep, type CommitStepHook } from './steps';
