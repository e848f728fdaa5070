import type { FastifyRequest } from 'fastify'

export interface Crumb {
  label: string
  href?: string
}

interface CommunityRef {
  community_slug: string
  community_name: string
}

/** Home › Communities › the community: the trail above every page of a community's discussions. */
export function communityCrumbs(request: FastifyRequest, community: { slug: string; name: string }): Crumb[] {
  return [
    { label: request.t('communities.directory.title'), href: '/communities' },
    { label: community.name, href: `/c/${community.slug}` },
  ]
}

/** … › the community › the thread, then what this page is about (an edit, a reply, the history). */
export function threadCrumbs(
  request: FastifyRequest,
  thread: CommunityRef & { id: number; title: string },
  page?: string,
): Crumb[] {
  const trail = [
    ...communityCrumbs(request, { slug: thread.community_slug, name: thread.community_name }),
    { label: thread.title, href: `/t/${thread.id}` },
  ]
  return page ? [...trail, { label: page }] : trail
}
