// An uploaded profile picture: decoded by sharp (anything that is not an image is refused), bounded in size and
// dimensions, and re-encoded to a 256×256 WebP, which drops every metadata block (EXIF with GPS, XMP, ICC).
import sharp, { type Metadata } from 'sharp'

export const maxPictureBytes = 2 * 1024 * 1024
const maxSide = 8000
export const pictureSide = 256

export type PictureResult =
  { ok: true; bytes: Buffer; contentType: string } | { ok: false; reason: 'not_image' | 'too_large' | 'dimensions' }

export async function processPicture(input: Buffer): Promise<PictureResult> {
  if (input.length > maxPictureBytes) return { ok: false, reason: 'too_large' }
  let meta: Metadata
  try {
    meta = await sharp(input, { limitInputPixels: maxSide * maxSide }).metadata()
  } catch {
    return { ok: false, reason: 'not_image' }
  }
  if (!meta.width || !meta.height || !['jpeg', 'png', 'webp', 'gif'].includes(meta.format ?? ''))
    return { ok: false, reason: 'not_image' }
  if (meta.width > maxSide || meta.height > maxSide || meta.width < 16 || meta.height < 16)
    return { ok: false, reason: 'dimensions' }
  try {
    const bytes = await sharp(input, { limitInputPixels: maxSide * maxSide })
      .rotate()
      .resize(pictureSide, pictureSide, { fit: 'cover' })
      .webp({ quality: 82 })
      .toBuffer()
    return { ok: true, bytes, contentType: 'image/webp' }
  } catch {
    return { ok: false, reason: 'not_image' }
  }
}
