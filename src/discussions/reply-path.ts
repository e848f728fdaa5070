// Replies are stored in depth-first order: each has a sortable path of its ancestors' keys, so a page of a long
// thread is one index range scan (keyset on path) that keeps the nesting. Depth is capped: a reply to a reply at the
// deepest level becomes that reply's sibling, shown flat with "in reply to NAME".

export const maxDepth = 5

/** Fixed-width base-36 keys sort like the numbers they encode; 8 characters cover ids up to 2.8 trillion. */
export function pathKey(id: number): string {
  return id.toString(36).padStart(8, '0')
}

export function placeReply(
  parent: { path: string; depth: number } | null,
  id: number,
): { path: string; depth: number } {
  if (!parent) return { path: pathKey(id), depth: 1 }
  if (parent.depth < maxDepth) return { path: `${parent.path}.${pathKey(id)}`, depth: parent.depth + 1 }
  const siblingsPath = parent.path.slice(0, parent.path.lastIndexOf('.'))
  return { path: `${siblingsPath}.${pathKey(id)}`, depth: parent.depth }
}
