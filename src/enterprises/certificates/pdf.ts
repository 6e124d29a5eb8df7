import PDFDocument from 'pdfkit';
import { cjkFont, drawQr } from '../../household-codes/labels.js';

// A4 portrait in points.
const PAGE = { width: 595.28, height: 841.89, margin: 64 };
const WIDTH = PAGE.width - 2 * PAGE.margin;

/** One A4 page in the embedded Noto Sans SC; `draw` lays it out. */
async function onePage(title: string, draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    info: { Title: title, Creator: 'Gridguard 网格卫士' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('cjk', cjkFont());
  doc.font('cjk');
  draw(doc);
  doc.end();
  await finished;
  return Buffer.concat(chunks);
}

const heading = (doc: PDFKit.PDFDocument, text: string) =>
  doc
    .fillColor('black')
    .fontSize(22)
    .text(text, PAGE.margin, PAGE.margin + 10, { width: WIDTH, align: 'center' });

export interface CommitmentPdf {
  title: string;
  paragraphs: readonly string[];
  version: string;
  name: string;
  documentMasked: string;
  /** YYYY年M月D日 */
  signedOn: string;
  channel: '门牌码' | '窗口';
}

/** The signed commitment letter: the text as signed, the signer's name, masked ID number and date. */
export function renderCommitmentPdf(letter: CommitmentPdf): Promise<Buffer> {
  return onePage(letter.title, (doc) => {
    heading(doc, letter.title);
    doc.moveDown(1.5).fontSize(12.5);
    for (const paragraph of letter.paragraphs)
      doc.text(paragraph, PAGE.margin, doc.y, { width: WIDTH, lineGap: 5, paragraphGap: 8 });
    doc.moveDown(2);
    const x = PAGE.margin + WIDTH / 2;
    doc.text(`承诺人：${letter.name}`, x, doc.y, { width: WIDTH / 2 });
    doc.text(`证件号码：${letter.documentMasked}`, x, doc.y + 6, { width: WIDTH / 2 });
    doc.text(`签署日期：${letter.signedOn}`, x, doc.y + 6, { width: WIDTH / 2 });
    doc
      .fillColor('#777777')
      .fontSize(8)
      .text(
        `文本版本 ${letter.version} · 签署方式：${letter.channel} · Gridguard 网格卫士`,
        PAGE.margin,
        PAGE.height - PAGE.margin,
        { width: WIDTH, align: 'center', lineBreak: false },
      );
  });
}

export interface CertificatePdf {
  title: string;
  number: string;
  /** The sentences the certificate states, in order. */
  body: readonly string[];
  issuer: string;
  issuedBy: string;
  /** YYYY年M月D日 */
  issuedOn: string;
  validUntil: string;
  verifyUrl: string;
}

const QR_SIZE = 110;

/** A numbered certificate with the QR code to its public check. */
export function renderCertificatePdf(certificate: CertificatePdf): Promise<Buffer> {
  return onePage(`${certificate.title} ${certificate.number}`, (doc) => {
    heading(doc, certificate.title);
    doc
      .fontSize(10)
      .fillColor('#555555')
      .text(`编号：${certificate.number}`, PAGE.margin, doc.y + 6, { width: WIDTH, align: 'right' });
    doc.moveDown(1.5).fillColor('black').fontSize(13);
    for (const sentence of certificate.body)
      doc.text(sentence, PAGE.margin, doc.y, { width: WIDTH, lineGap: 6, paragraphGap: 10, indent: 26 });
    doc.moveDown(1);
    doc.text(`有效期至：${certificate.validUntil}`, PAGE.margin, doc.y, { width: WIDTH, indent: 26 });
    doc.moveDown(3);
    const x = PAGE.margin + WIDTH / 2;
    doc.text(`出具单位：${certificate.issuer}`, x, doc.y, { width: WIDTH / 2 });
    doc.text(`经办人：${certificate.issuedBy}`, x, doc.y + 6, { width: WIDTH / 2 });
    doc.text(`出具日期：${certificate.issuedOn}`, x, doc.y + 6, { width: WIDTH / 2 });
    const qrTop = PAGE.height - PAGE.margin - QR_SIZE - 30;
    drawQr(doc, certificate.verifyUrl, PAGE.margin, qrTop, QR_SIZE);
    doc
      .fillColor('#555555')
      .fontSize(9)
      .text('扫码核验本证明的真伪和有效期', PAGE.margin + QR_SIZE + 10, qrTop + QR_SIZE / 2 - 8, {
        width: WIDTH - QR_SIZE - 10,
      });
  });
}
