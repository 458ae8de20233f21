/** A function the profile report gives inclusive time for, and the file (from the repo root) that defines it. */
export interface ProfileTarget {
  readonly fn: string;
  /** Its name in other supported versions of the package that defines it. */
  readonly or?: string;
  readonly file: string;
}
export declare const PROFILE_TARGETS: readonly ProfileTarget[];
