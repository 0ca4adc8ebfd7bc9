/** Exit codes of the `buff` command (DESIGN.md "The buff command"). */
export const ExitCode = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  REJECTED: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
