// The Markdown tests' check of rendered HTML, shared by the render tests and the pathological-text tests.

// What a reader's browser could act on: every tag and attribute in the output, checked against the allow-list.
const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  p: [],
  br: [],
  h2: [],
  h3: [],
  h4: [],
  ul: [],
  ol: ['start'],
  li: [],
  strong: [],
  em: [],
  del: [],
  code: ['class'],
  pre: [],
  blockquote: [],
  hr: [],
  table: [],
  thead: [],
  tbody: [],
  tr: [],
  th: ['class'],
  td: ['class'],
  a: ['href', 'title', 'rel', 'class'],
  img: ['src', 'alt', 'title'],
}

export function onlyAllowedMarkup(output: string): string[] {
  const problems: string[] = []
  for (const [tag, name, attributes] of output.matchAll(/<\/?([^\s/>]+)([^>]*)>/g)) {
    const allowed = ALLOWED_ATTRIBUTES[name]
    if (!allowed) {
      problems.push(`tag ${tag}`)
      continue
    }
    const rest = attributes.replace(/\s([a-z]+)="([^"]*)"/g, (_, attribute: string, value: string) => {
      if (!allowed.includes(attribute)) problems.push(`attribute ${attribute} on ${name}`)
      if (attribute === 'href' && /^[a-z][a-z0-9+.-]*:/i.test(value) && !/^(?:https?|mailto):/i.test(value))
        problems.push(`href ${value}`)
      if (attribute === 'href' && /^[/\\]{2}/.test(value)) problems.push(`href ${value}`)
      if (attribute === 'src' && !/^https:\/\//i.test(value)) problems.push(`src ${value}`)
      if (
        attribute === 'class' &&
        !(name === 'a' ? value === 'mention' : /^(?:language-[\w+#.-]+|align-(?:left|center|right))$/.test(value))
      )
        problems.push(`class ${value}`)
      return ''
    })
    if (rest.replace(/\s*\/?$/, '') !== '') problems.push(`unparsed ${attributes}`)
    if (name === 'a' && !tag.startsWith('</') && !attributes.includes('rel="nofollow ugc noopener"'))
      problems.push(`rel missing in ${tag}`)
  }
  return problems
}
