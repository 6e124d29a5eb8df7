// Photos are made small on the phone before they go up: a 10 MB camera photo crosses a weak
// village signal as a few hundred KB. The server re-encodes again (and strips metadata) anyway.

/** Longest side sent: enough to read a sign or a licence plate on a report. */
export const MAX_UPLOAD_SIDE = 1600;
export const JPEG_QUALITY = 0.8;

export interface ResizedPhoto {
  /** What goes up: a JPEG at most MAX_UPLOAD_SIDE on its longest side, or the original when that is smaller. */
  file: File;
  /** The size of the photo as the camera or album gave it. */
  originalBytes: number;
  width: number;
  height: number;
}

/** The size that fits inside maxSide × maxSide with the same shape; never enlarged. */
export function fitInside(width: number, height: number, maxSide = MAX_UPLOAD_SIDE) {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** "3.2 MB", "284 KB": how big a file is, as a caption shows it. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

async function encodeJpeg(bitmap: ImageBitmap, width: number, height: number): Promise<Blob | null> {
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    if (!context) return null;
    draw(context, bitmap, width, height);
    return canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return null;
  draw(context, bitmap, width, height);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
}

function draw(
  context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D,
  bitmap: ImageBitmap,
  width: number,
  height: number,
) {
  // A transparent PNG would turn black in a JPEG: white behind it, as on paper.
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
}

const jpegName = (name: string) => `${name.replace(/\.[^./\\]*$/, '') || 'photo'}.jpg`;

/**
 * Turns a picked photo upright by its EXIF orientation (createImageBitmap 'from-image'), shrinks it
 * to MAX_UPLOAD_SIDE and encodes it as JPEG (quality 0.8). A photo the browser cannot decode here
 * (HEIC on some phones) or one that would only grow goes up as it is: the server decides about it.
 */
export async function resizePhoto(file: File): Promise<ResizedPhoto> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return { file, originalBytes: file.size, width: 0, height: 0 };
  }
  try {
    const size = fitInside(bitmap.width, bitmap.height);
    const blob = await encodeJpeg(bitmap, size.width, size.height);
    if (!blob || (blob.size >= file.size && size.width === bitmap.width && size.height === bitmap.height))
      return { file, originalBytes: file.size, width: bitmap.width, height: bitmap.height };
    const resized = new File([blob], jpegName(file.name), {
      type: 'image/jpeg',
      lastModified: file.lastModified,
    });
    return { file: resized, originalBytes: file.size, ...size };
  } finally {
    bitmap.close();
  }
}
