/** A function the profile report gives inclusive time for, and the file (from the repo root) that defines it. */
export interface ProfileTarget {
  readonly fn: string;
  readonly file: string;
}
export declare const PROFILE_TARGETS: readonly ProfileTarget[];
