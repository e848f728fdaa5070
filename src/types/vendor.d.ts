// Types for the two small CommonJS packages that ship none.
declare module 'unicode-confusables' {
  /** Replaces every character listed in Unicode's confusables.txt (TR39) by its prototype. */
  export function rectifyConfusion(value: string): string
  export function isConfusing(value: string): boolean
}

declare module 'fxa-common-password-list' {
  const list: { test(password: string): boolean }
  export default list
}
