import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { DOOR_INSTRUCTION } from './schema.js';

/** Noto Sans SC (SIL OFL): pdfkit embeds only the glyphs a sheet uses, so the PDF stays small. */
export const CJK_FONT_PATH = createRequire(import.meta.url).resolve(
  '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
);
let fontBytes: Buffer | undefined;
export const cjkFont = (): Buffer => (fontBytes ??= readFileSync(CJK_FONT_PATH));

export interface LabelContent {
  url: string;
  address: string;
  community: string | null;
  houseId: number;
  /** A place's label (a checkpoint's 场所码) words its heading, instruction and footer itself. */
  heading?: string;
  instruction?: string;
  footer?: string;
}

// A4 portrait in points, 2 × 4 labels per page.
const PAGE = { width: 595.28, height: 841.89, margin: 24 };
const COLUMNS = 2;
const ROWS = 4;
export const LABELS_PER_PAGE = COLUMNS * ROWS;
const CELL = {
  width: (PAGE.width - 2 * PAGE.margin) / COLUMNS,
  height: (PAGE.height - 2 * PAGE.margin) / ROWS,
};
const PAD = 14;
const QR_SIZE = 120;

/** The QR code as vector rectangles (one per run of dark modules): sharp at any printer resolution. */
export function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 2;
  const unit = size / (modules.size + 2 * quiet);
  for (let row = 0; row < modules.size; row++) {
    let run = -1;
    for (let col = 0; col <= modules.size; col++) {
      const dark = col < modules.size && modules.get(row, col) === 1;
      if (dark && run < 0) run = col;
      if (!dark && run >= 0) {
        doc.rect(x + (quiet + run) * unit, y + (quiet + row) * unit, (col - run) * unit, unit);
        run = -1;
      }
    }
  }
  doc.fillColor('black').fill();
}

function drawLabel(doc: PDFKit.PDFDocument, label: LabelContent, x: number, y: number): void {
  // Cut lines.
  doc.save().lineWidth(0.5).dash(3, { space: 3 }).strokeColor('#999999');
  doc.rect(x, y, CELL.width, CELL.height).stroke();
  doc.restore();

  doc
    .fillColor('black')
    .fontSize(15)
    .text(label.heading ?? '一户一码 · 住户登记', x + PAD, y + PAD, {
      width: CELL.width - 2 * PAD,
      lineBreak: false,
    });
  const qrTop = y + PAD + 24;
  drawQr(doc, label.url, x + PAD - 4, qrTop, QR_SIZE);

  const textLeft = x + PAD + QR_SIZE + 6;
  const textWidth = CELL.width - (textLeft - x) - PAD;
  let textTop = qrTop + 6;
  if (label.community) {
    doc
      .fillColor('#555555')
      .fontSize(9)
      .text(label.community, textLeft, textTop, { width: textWidth, height: 24, ellipsis: true });
    textTop = doc.y + 4;
  }
  doc
    .fillColor('black')
    .fontSize(12.5)
    .text(label.address, textLeft, textTop, {
      width: textWidth,
      height: qrTop + QR_SIZE - textTop,
      ellipsis: true,
      lineGap: 1,
    });

  doc.fontSize(12.5).text(label.instruction ?? DOOR_INSTRUCTION, x + PAD, qrTop + QR_SIZE + 6, {
    width: CELL.width - 2 * PAD,
    align: 'center',
    lineBreak: false,
  });
  doc
    .fillColor('#777777')
    .fontSize(7)
    .text(
      label.footer ?? `房屋编号 H${String(label.houseId).padStart(6, '0')} · 请勿撕毁`,
      x + PAD,
      y + CELL.height - PAD - 2,
      {
        width: CELL.width - 2 * PAD,
        align: 'center',
        lineBreak: false,
      },
    );
}

/** An A4 sheet of door labels (2 × 4 per page) with CJK text in the embedded Noto Sans SC. */
export async function renderDoorLabels(labels: readonly LabelContent[], title: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    info: { Title: `一户一码门牌标签 ${title}`, Creator: 'Gridguard 网格卫士' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('cjk', cjkFont());
  labels.forEach((label, i) => {
    const slot = i % LABELS_PER_PAGE;
    if (slot === 0) {
      doc.addPage();
      doc.font('cjk');
    }
    const column = slot % COLUMNS;
    const row = Math.floor(slot / COLUMNS);
    drawLabel(doc, label, PAGE.margin + column * CELL.width, PAGE.margin + row * CELL.height);
  });
  doc.end();
  await finished;
  return Buffer.concat(chunks);
}
