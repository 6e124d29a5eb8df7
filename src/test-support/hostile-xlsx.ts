import ExcelJS from 'exceljs';
import JSZip from 'jszip';

/**
 * A real workbook (written by exceljs) whose xl/sharedStrings.xml is replaced by one holding a
 * single enormous string: `megabytes` MiB of text that deflates to a few hundred KiB.
 */
export async function hostileSharedStringXlsx(megabytes: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('人员');
  sheet.addRow(['姓名', '证件号码']);
  sheet.addRow(['张三', '110101199003074514']);
  const zip = await JSZip.loadAsync((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
  const sheetXml = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
  // The first cell points at shared string 0: the huge one.
  zip.file(
    'xl/worksheets/sheet1.xml',
    sheetXml.replace(/<c r="A1"([^>]*)>.*?<\/c>/, '<c r="A1" t="s"><v>0</v></c>'),
  );
  const huge = 'A'.repeat(megabytes * 1024 * 1024);
  zip.file(
    'xl/sharedStrings.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>${huge}</t></si></sst>`,
  );
  const types = await zip.file('[Content_Types].xml')!.async('string');
  if (!types.includes('sharedStrings'))
    zip.file(
      '[Content_Types].xml',
      types.replace(
        '</Types>',
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
      ),
    );
  const rels = await zip.file('xl/_rels/workbook.xml.rels')!.async('string');
  if (!rels.includes('sharedStrings'))
    zip.file(
      'xl/_rels/workbook.xml.rels',
      rels.replace(
        '</Relationships>',
        '<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
      ),
    );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}
