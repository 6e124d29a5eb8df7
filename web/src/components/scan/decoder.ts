// Reads QR codes in the browser with ZXing-C++ compiled to WebAssembly (zxing-wasm). The .wasm file
// is part of our own build (Vite's ?url import gives its hashed address): village intranets have no
// internet, so the library's default CDN address must never be used.
import { prepareZXingModule, type ReaderOptions, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { fitInside } from '../photos/resize';

let prepared = false;
const overrides = {
  locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path),
};
function prepare() {
  if (prepared) return;
  prepared = true;
  prepareZXingModule({ overrides });
}

/**
 * Loads the decoder now, while there is a connection: a gate phone that goes offline afterwards
 * still reads codes (the service worker also precaches the .wasm for later visits).
 */
export async function preloadQrDecoder(): Promise<void> {
  prepared = true;
  await prepareZXingModule({ overrides, fireImmediately: true });
}

/** Door codes are QR codes; looking only for them is faster and never misreads a shop's barcode. */
const OPTIONS: ReaderOptions = { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 };

/** The text of the first QR code in the frame or picture, or null when there is none. */
export async function decodeQr(input: ImageData): Promise<string | null> {
  prepare();
  const results = await readBarcodes(input, OPTIONS);
  return results.find((result) => result.isValid)?.text ?? null;
}

/** Side a still photo is brought down to before decoding: a door label stays readable, a 12 MP photo decodes fast. */
const PHOTO_SIDE = 1600;

function pixelsOf(source: CanvasImageSource, width: number, height: number): ImageData {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('No 2D canvas');
  context.drawImage(source, 0, 0, width, height);
  return context.getImageData(0, 0, width, height);
}

/** A photo of a door code (the fallback where live video is not allowed). */
export async function decodeQrPhoto(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const size = fitInside(bitmap.width, bitmap.height, PHOTO_SIDE);
    return await decodeQr(pixelsOf(bitmap, size.width, size.height));
  } finally {
    bitmap.close();
  }
}

/** Side a video frame is brought down to: enough for a label at arm's length, cheap on a slow phone. */
const FRAME_SIDE = 960;

/** One frame of the live camera, or null while the video has no picture yet. */
export async function decodeQrFrame(video: HTMLVideoElement): Promise<string | null> {
  if (video.readyState < video.HAVE_CURRENT_DATA || video.videoWidth === 0) return null;
  const size = fitInside(video.videoWidth, video.videoHeight, FRAME_SIDE);
  return decodeQr(pixelsOf(video, size.width, size.height));
}
