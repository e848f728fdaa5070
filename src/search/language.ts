// A guess at the language of a thread or reply (they carry no language of their own), from common function words.
// Good enough for a facet; articles say their language explicitly.
const functionWords: Record<string, Set<string>> = {
  en: new Set(
    'the and of to is in that it for with as was on are be this have not but they you we what which or from at by an'.split(
      ' ',
    ),
  ),
  nl: new Set(
    'de het een en van is dat in op te niet zijn voor met ook die er maar wat bij als aan wij ze zij naar hoe wordt je ik'.split(
      ' ',
    ),
  ),
  de: new Set(
    'der die das und ist nicht ein eine zu mit den dem von sich auf für auch wir sie es wie bei oder werden ich'.split(
      ' ',
    ),
  ),
  fr: new Set(
    'le la les et est des une un du que pour dans en pas qui sur au avec nous vous ce sont par ne mais ou je'.split(
      ' ',
    ),
  ),
}

export function guessLanguage(text: string): string | null {
  const words =
    text
      .toLowerCase()
      .match(/\p{L}+/gu)
      ?.slice(0, 400) ?? []
  let best: string | null = null
  let bestScore = 0
  let second = 0
  for (const [language, set] of Object.entries(functionWords)) {
    let score = 0
    for (const word of words) if (set.has(word)) score++
    if (score > bestScore) {
      second = bestScore
      bestScore = score
      best = language
    } else if (score > second) second = score
  }
  // Too few clues, or a tie between two languages: say nothing rather than something wrong.
  return bestScore >= 2 && bestScore > second ? best : null
}
