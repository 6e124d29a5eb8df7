import sharp from 'sharp';

/** Real images for the photo tests, made by sharp (no binary fixtures in the repository). */

const solid = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 40 } } });

/** A 40 × 20 JPEG as a phone writes it: EXIF with camera make, GPS position and orientation 6 (turn right). */
export const jpegWithGps = () =>
  solid(40, 20)
    .withExif({
      IFD0: { Make: 'GridguardTestCam', Model: 'Serial-0042' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '30/1 15/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '120/1 10/1 0/1',
      },
    })
    .withMetadata({ orientation: 6 })
    .jpeg()
    .toBuffer();

export const png = (width = 30, height = 30) => solid(width, height).png().toBuffer();
export const webp = (width = 30, height = 30) => solid(width, height).webp().toBuffer();
export const gif = () => solid(10, 10).gif().toBuffer();

/** The GPS sub-directory pointer (tag 0x8825, little-endian as sharp writes it) inside an EXIF block. */
export const hasGpsPointer = (exif: Buffer | undefined) => Boolean(exif?.includes(Buffer.from([0x25, 0x88])));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A decompression bomb: a small real PNG whose header (IHDR, CRC fixed) claims width × height
 * pixels. Decoding it would need gigabytes; the check must refuse it from the header alone.
 */
export async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const bytes = Buffer.from(await png(8, 8));
  // Signature (8) + chunk length (4) + "IHDR" (4), then width and height.
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29);
  return bytes;
}
