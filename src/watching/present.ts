// The watch-level form's view model (views/partials/watch-form.hbs): each level with its one-line explanation.
import type { FastifyRequest } from 'fastify'
import type { WatchLevel, WatchTarget } from '../db/database.js'
import { watchLevels } from './levels.js'

export function watchForm(
  request: FastifyRequest,
  targetType: WatchTarget,
  targetId: number,
  level: WatchLevel | null,
) {
  // No row means normal: replies to you and mentions only.
  const current = level ?? 'normal'
  return {
    targetType,
    targetId,
    current,
    currentLabel: request.t(`watching.level.${current}`),
    options: watchLevels.map((value) => ({
      value,
      label: request.t(`watching.level.${value}`),
      hint: request.t(`watching.hint.${value}`),
      checked: value === current,
    })),
  }
}
