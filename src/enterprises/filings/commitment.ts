import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { chinaDate } from '../../household-codes/dates.js';
import { CJK_FONT_PATH } from '../../household-codes/labels.js';

/**
 * The commitment letter an enterprise's legal person signs (复工复产承诺书). Its wording is
 * versioned: a filing records the version it was signed under, so a later wording never changes
 * what an enterprise promised. The letter is a Chinese legal text and is shown in Chinese everywhere.
 */
export const COMMITMENT_VERSION = '2026-12-v1';
export const COMMITMENT_TITLE = '复工复产承诺书';
export const COMMITMENT_CLAUSES: readonly string[] = Object.freeze([
  '一、落实防控主体责任：本单位法定代表人为疫情防控第一责任人，建立防控工作专班，明确专人负责，严格执行属地社区和主管部门的各项防控要求。',
  '二、员工健康监测：建立员工健康台账，每日对在岗员工测量体温、询问健康状况；发现发热、干咳等异常情况立即停止工作、就近就医并报告社区。',
  '三、物资储备：按不少于七天的用量储备口罩、体温计、消毒液等防控物资，保持工作场所通风，定期清洁消毒。',
  '四、如实报告：如实填报复工信息和员工情况，不瞒报、不漏报、不迟报；情况发生变化时及时向社区报告并更新备案。',
  '五、接受监督：配合社区网格员和主管部门的检查与指导，对发现的问题立即整改；如违反上述承诺，愿意承担相应责任。',
]);

export interface CommitmentLetter {
  enterpriseName: string;
  creditCode: string | null;
  community: string;
  signerName: string;
  signedAt: Date;
  version: string;
}

let fontBytes: Buffer | undefined;
const cjkFont = () => (fontBytes ??= readFileSync(CJK_FONT_PATH));

/** The signed letter as an A4 PDF with its CJK text in the embedded Noto Sans SC (glyphs subset). */
export async function renderCommitmentLetter(letter: CommitmentLetter): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 72, bottom: 72, left: 72, right: 72 },
    info: { Title: `${COMMITMENT_TITLE} ${letter.enterpriseName}`, Creator: 'Gridguard 网格卫士' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('cjk', cjkFont());
  doc.font('cjk');
  doc.fontSize(20).text(COMMITMENT_TITLE, { align: 'center' });
  doc.moveDown(1.2);
  doc.fontSize(12).text(`${letter.community}：`);
  doc.moveDown(0.5);
  doc.text(
    `本单位${letter.enterpriseName}${letter.creditCode ? `（统一社会信用代码 ${letter.creditCode}）` : ''}申请复工复产，郑重承诺如下：`,
    { indent: 24, lineGap: 4 },
  );
  doc.moveDown(0.5);
  for (const clause of COMMITMENT_CLAUSES) {
    doc.text(clause, { indent: 24, lineGap: 4 });
    doc.moveDown(0.4);
  }
  doc.moveDown(1.5);
  doc.text(`承诺单位：${letter.enterpriseName}`, { align: 'right' });
  doc.text(`法定代表人（签字）：${letter.signerName}`, { align: 'right' });
  doc.text(`签署日期：${chinaDate(letter.signedAt)}`, { align: 'right' });
  doc.moveDown(2);
  doc
    .fontSize(8)
    .fillColor('#666666')
    .text(`承诺书版本 ${letter.version}；法定代表人于 ${letter.signedAt.toISOString()} 在线签署。`);
  doc.end();
  await finished;
  return Buffer.concat(chunks);
}
