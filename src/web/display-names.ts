// Names of languages and regions in the viewer's language. Building an Intl.DisplayNames costs far more than asking one,
// and list pages ask for every row, so one is kept per kind and interface language (a handful in all).
const kept = new Map<string, Intl.DisplayNames>()

export function displayName(type: 'language' | 'region', locale: string, code: string): string | undefined {
  const key = `${type} ${locale}`
  let names = kept.get(key)
  if (!names) {
    names = new Intl.DisplayNames([locale], { type })
    kept.set(key, names)
  }
  return names.of(code)
}
