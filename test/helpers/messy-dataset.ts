// A dataset folder as they arrive in practice: every layout radalign reads, mixed in one tree
// (loose stem pairs, study folders, a MIMIC `files/` tree in a subfolder with its metadata
// tables, a manifest and a JSONL table in subfolders, an R2Gen annotation.json), plus a few
// hundred broken and unusual files (orphans, empty, truncated and lying images, oversized
// DICOMs, reports in the wrong encoding or too big, symlinks to outside, a FIFO, malformed
// manifests and rows). Every good report carries a marker `GOOD-<n>` and every file outside
// the folder a marker `OUTSIDE`, so a test can check what was scored and what was not.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildDicom, encodeConstantRleFrame, encodeRleFrame, TransferSyntaxes } from './dicom-writer';

export interface MessyDataset {
  /** Markers of the reports of every good pair. */
  good: Set<string>;
  /** How many broken or unusual entries were planted (files, links, rows). */
  broken: number;
}

export interface MessyOptions {
  /** Multiplies the good pairs and the broken files (default 1: 85 good pairs, ~300 broken entries). */
  scale?: number;
  /** Edge of the generated images in pixels (default 48). */
  size?: number;
}

const FINDINGS = [
  'The lungs are clear.',
  'There is a small left pleural effusion.',
  'Heart size is normal.',
  'Mild cardiomegaly is present.',
  'No pneumothorax is seen.',
  'Right lower lobe opacity may represent pneumonia.',
];

export async function writeMessyDataset(
  root: string,
  outside: string,
  options: MessyOptions = {},
): Promise<MessyDataset> {
  const scale = options.scale ?? 1;
  const size = options.size ?? 48;
  const good = new Set<string>();
  let broken = 0;
  let n = 0;
  const png = async (seed: number, w = size, h = size) =>
    sharp({
      create: {
        width: w,
        height: h,
        channels: 3,
        background: { r: (seed * 37) % 256, g: (seed * 91) % 256, b: (seed * 53) % 256 },
      },
    })
      .png()
      .toBuffer();
  const jpg = async (seed: number) =>
    sharp(await png(seed))
      .jpeg()
      .toBuffer();
  const report = (marker: string, k: number) =>
    `FINDINGS: ${FINDINGS[k % FINDINGS.length]} ${FINDINGS[(k + 2) % FINDINGS.length]}\nIMPRESSION: ${marker}. ${FINDINGS[(k + 3) % FINDINGS.length]}\n`;
  const nextGood = () => {
    const marker = `GOOD-${++n}`;
    good.add(marker);
    return marker;
  };
  const put = async (path: string, data: string | Buffer) => {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, data);
  };

  // ---- outside the folder: what a hostile folder would like us to read
  await put(join(outside, 'secret.png'), await png(999));
  await put(join(outside, 'secret.txt'), 'OUTSIDE report text.\n');
  await put(join(outside, 'cases', 'x1.png'), await png(998));
  await put(join(outside, 'cases', 'x1.txt'), 'OUTSIDE case report.\n');
  await put(
    join(outside, 'r2gen', 'annotation.json'),
    JSON.stringify({ train: [{ id: 'OUTSIDE-1', report: 'OUTSIDE annotation.', image_path: ['../secret.png'] }] }),
  );
  await put(join(outside, 'mimic', 'files', 'p10', 'p10999999', 's59999999.txt'), 'OUTSIDE mimic report.\n');
  await put(join(outside, 'mimic', 'files', 'p10', 'p10999999', 's59999999', 'a.jpg'), await jpg(997));

  for (let copy = 0; copy < scale; copy++) {
    const c = copy === 0 ? '' : `-${copy}`;

    // ---- good pairs (85 per copy)
    for (let k = 0; k < 20; k++) {
      const ext = k % 4 === 0 ? 'jpg' : 'png';
      await put(join(root, `loose${c}`, `case${k}.${ext}`), ext === 'jpg' ? await jpg(k) : await png(k));
      await put(join(root, `loose${c}`, `case${k}.${k % 5 === 0 ? 'md' : 'txt'}`), report(nextGood(), k));
    }
    for (let k = 0; k < 10; k++) {
      const dir = join(root, `studies${c}`, `st${k}`);
      await put(join(dir, 'view1.png'), await png(100 + k));
      await put(join(dir, 'view2.png'), await png(200 + k));
      await put(join(dir, 'report.txt'), report(nextGood(), k));
    }
    const mimic = join(root, `mimic-cxr-jpg${c}`);
    for (let k = 0; k < 15; k++) {
      const patient = `p1000${String(k).padStart(4, '0')}`;
      const study = `s5000${String(k).padStart(4, '0')}`;
      await put(join(mimic, 'files', 'p10', patient, `${study}.txt`), report(nextGood(), k));
      await put(join(mimic, 'files', 'p10', patient, study, 'frontal.jpg'), await jpg(300 + k));
      if (k % 3 === 0) await put(join(mimic, 'files', 'p10', patient, study, 'lateral.jpg'), await jpg(400 + k));
    }
    await put(
      join(mimic, 'mimic-cxr-2.0.0-metadata.csv'),
      'dicom_id,subject_id,study_id,ViewPosition,Rows,Columns\nabc,10000000,50000000,PA,3056,2544\n',
    );
    await put(
      join(mimic, 'mimic-cxr-2.0.0-chexpert.csv'),
      'subject_id,study_id,Atelectasis,Cardiomegaly\n10000000,50000000,,1.0\n',
    );
    await put(
      join(mimic, 'mimic-cxr-2.0.0-split.csv'),
      'dicom_id,study_id,subject_id,split\nabc,50000000,10000000,train\n',
    );
    const iu = join(root, `iu${c}`);
    const rows = ['id,image,report'];
    for (let k = 0; k < 15; k++) {
      await put(join(iu, 'images', `iu${k}.png`), await png(500 + k));
      rows.push(`iu${k},images/iu${k}.png,"${report(nextGood(), k).replace(/\n/g, ' ')}"`);
    }
    // Broken rows: missing image, escapes, empty id, duplicate id, no report.
    rows.push(
      'iu-missing,images/nope.png,"A report."',
      'iu-up,../../outside/secret.png,"A report."',
      `iu-abs,${join(outside, 'secret.png')},"A report."`,
      ',images/iu0.png,"No id."',
      'iu3,images/iu3.png,"Duplicate id."',
      'iu-noreport,images/iu1.png,',
    );
    broken += 6;
    await put(join(iu, 'manifest.csv'), rows.join('\n') + '\n');
    const tables = join(root, `tables${c}`);
    const lines: string[] = [];
    for (let k = 0; k < 10; k++) {
      await put(join(tables, 'img', `t${k}.png`), await png(600 + k));
      await put(join(tables, 'txt', `t${k}.txt`), report(nextGood(), k));
      lines.push(JSON.stringify({ id: `t${k}`, image: `img/t${k}.png`, report: `txt/t${k}.txt` }));
    }
    lines.push(
      '{"id": "bad json',
      '[1,2,3]',
      '{"id":"t-noimage","report":"txt/t0.txt"}',
      '{"id":"t-missing","image":"img/none.png","report":"txt/t0.txt"}',
    );
    broken += 4;
    await put(join(tables, 'list.jsonl'), lines.join('\n') + '\n');
    const r2 = join(root, `r2gen${c}`);
    const ann: Record<string, { id: string; report: string; image_path: string[] }[]> = {
      train: [],
      val: [],
      test: [],
    };
    for (let k = 0; k < 10; k++) {
      await put(join(r2, 'images', `r${k}`, '0.png'), await png(700 + k));
      ann[k < 6 ? 'train' : k < 8 ? 'val' : 'test'].push({
        id: `r${k}`,
        report: report(nextGood(), k),
        image_path: [`r${k}/0.png`],
      });
    }
    ann.train.push({ id: 'r-missing', report: 'Missing image.', image_path: ['r-missing/0.png'] });
    broken += 1;
    await put(join(r2, 'annotation.json'), JSON.stringify(ann));
    for (let k = 0; k < 5; k++) {
      const dicom = buildDicom({
        transferSyntax: k === 4 ? TransferSyntaxes.rle : TransferSyntaxes.explicitLittle,
        rows: 32,
        columns: 40,
        bitsAllocated: 16,
        photometric: k === 3 ? 'MONOCHROME1' : 'MONOCHROME2',
        ...(k === 4 ? { frames: [encodeRleFrame(ramp(32 * 40, k), 32, 40, 16, 1)] } : { pixels: ramp(32 * 40, k) }),
      });
      await put(join(root, `dicom${c}`, `d${k}.dcm`), dicom);
      await put(join(root, `dicom${c}`, `d${k}.txt`), report(nextGood(), k));
    }
    await put(join(root, `unicode${c}`, 'Fall é 1.png'), await png(800));
    await put(join(root, `unicode${c}`, 'Fall é 1.txt'), report(nextGood(), 1));
    await put(join(root, `deep${c}`, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'deep.png'), await png(801));
    await put(
      join(root, `deep${c}`, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'deep.txt'),
      report(nextGood(), 2),
    );
    const large = Array.from({ length: 5000 }, (_, i) => FINDINGS[i % FINDINGS.length]).join(' ');
    await put(join(root, `large${c}`, 'long.png'), await png(802));
    await put(join(root, `large${c}`, 'long.txt'), `FINDINGS: ${large}\nIMPRESSION: ${nextGood()}.\n`);

    // ---- broken and unusual files (about 300 per copy)
    const junk = join(root, `junk${c}`);
    for (let k = 0; k < 40; k++) {
      await put(join(junk, 'orphan-images', `o${k}.png`), await png(900 + k));
      broken++;
    }
    for (let k = 0; k < 30; k++) {
      await put(join(junk, 'orphan-reports', `r${k}.txt`), 'A report without an image.\n');
      broken++;
    }
    for (let k = 0; k < 30; k++) {
      await put(join(junk, 'empty-images', `e${k}.png`), Buffer.alloc(0));
      await put(join(junk, 'empty-images', `e${k}.txt`), 'Report of an empty image.\n');
      broken += 2;
    }
    const whole = await png(1000, 64, 64);
    for (let k = 0; k < 20; k++) {
      await put(join(junk, 'truncated', `t${k}.png`), whole.subarray(0, 20 + k * 3));
      await put(join(junk, 'truncated', `t${k}.txt`), 'Report of a truncated image.\n');
      broken += 2;
    }
    for (let k = 0; k < 20; k++) {
      await put(join(junk, 'not-images', `n${k}.png`), Buffer.from(`this is not an image ${k}\n`.repeat(k + 1)));
      await put(join(junk, 'not-images', `n${k}.txt`), 'Report of a text file named .png.\n');
      broken += 2;
    }
    for (let k = 0; k < 10; k++) {
      await put(join(junk, 'huge-headers', `h${k}.png`), lyingPng(30_000 + k, 30_000));
      await put(join(junk, 'huge-headers', `h${k}.txt`), 'Report of a PNG claiming 900 megapixels.\n');
      broken += 2;
    }
    for (let k = 0; k < 3; k++) {
      const side = k === 2 ? 65_535 : 20_000;
      await put(
        join(junk, 'huge-dicom', `rle${k}.dcm`),
        buildDicom({
          transferSyntax: TransferSyntaxes.rle,
          rows: side,
          columns: side,
          bitsAllocated: 8,
          frames: [encodeConstantRleFrame(0, side, side, 8, 1, k === 2 ? 40_000 : undefined)],
        }),
      );
      await put(join(junk, 'huge-dicom', `rle${k}.txt`), 'Report of a huge RLE DICOM.\n');
      broken += 2;
    }
    for (let k = 0; k < 10; k++) {
      await put(
        join(junk, 'lying-dicom', `l${k}.dcm`),
        buildDicom({
          transferSyntax: TransferSyntaxes.explicitLittle,
          rows: 4000 + k,
          columns: 4000,
          bitsAllocated: 16,
          pixels: ramp(100, k),
        }),
      );
      await put(join(junk, 'lying-dicom', `l${k}.txt`), 'Report of a DICOM with too little pixel data.\n');
      broken += 2;
    }
    for (let k = 0; k < 10; k++) {
      await put(
        join(junk, 'jpeg2000', `j${k}.dcm`),
        buildDicom({
          transferSyntax: TransferSyntaxes.jpeg2000Lossless,
          rows: 8,
          columns: 8,
          bitsAllocated: 16,
          frames: [Buffer.from([0xff, 0x4f, 0xff, 0x51, k])],
        }),
      );
      await put(join(junk, 'jpeg2000', `j${k}.txt`), 'Report of a JPEG 2000 DICOM.\n');
      broken += 2;
    }
    for (let k = 0; k < 20; k++) {
      await put(join(junk, 'latin1', `a${k}.png`), await png(1100 + k));
      await put(join(junk, 'latin1', `a${k}.txt`), Buffer.from('Epanchement pleural gauche modéré.\n', 'latin1'));
      broken += 1;
    }
    for (let k = 0; k < 5; k++) {
      await put(join(junk, 'utf16', `u${k}.png`), await png(1200 + k));
      await put(
        join(junk, 'utf16', `u${k}.txt`),
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Left effusion.\n', 'utf16le')]),
      );
      broken += 1;
    }
    for (let k = 0; k < 10; k++) {
      await put(join(junk, 'empty-reports', `e${k}.png`), await png(1300 + k));
      await put(join(junk, 'empty-reports', `e${k}.txt`), k % 2 ? '' : '   \n\n');
      broken += 1;
    }
    for (let k = 0; k < 3; k++) {
      await put(join(junk, 'oversize', `big${k}.png`), await png(1400 + k));
      await put(join(junk, 'oversize', `big${k}.txt`), 'The lungs are clear. '.repeat(60_000 + k)); // ~1.2 MB
      broken += 1;
    }
    const links = join(junk, 'links');
    await mkdir(links, { recursive: true });
    for (let k = 0; k < 5; k++) {
      await symlink(join(outside, 'secret.png'), join(links, `out${k}.png`));
      await put(join(links, `out${k}.txt`), 'Report whose image links outside.\n');
      await put(join(links, `in${k}.png`), await png(1500 + k));
      await symlink(join(outside, 'secret.txt'), join(links, `in${k}.txt`));
      broken += 2;
    }
    for (let k = 0; k < 3; k++) {
      await symlink(join(outside, 'nothing-here.png'), join(links, `broken${k}.png`));
      await put(join(links, `broken${k}.txt`), 'Report whose image link is broken.\n');
      broken += 1;
    }
    await symlink(join(outside, 'cases'), join(junk, 'linked-folder'));
    await mkdir(join(junk, 'r2gen-link'), { recursive: true });
    await symlink(join(outside, 'r2gen', 'annotation.json'), join(junk, 'r2gen-link', 'annotation.json'));
    await mkdir(join(junk, 'mimic-link'), { recursive: true });
    await symlink(join(outside, 'mimic', 'files'), join(junk, 'mimic-link', 'files'));
    broken += 3;
    await mkdir(join(junk, 'fifo'), { recursive: true });
    spawnSync('mkfifo', [join(junk, 'fifo', 'pipe.png')]);
    await put(join(junk, 'fifo', 'pipe.txt'), 'Report whose image is a FIFO.\n');
    broken += 1;
    await put(join(junk, 'bad-tables', 'broken.csv'), 'id,image,report\n"unclosed,quote.png,x\n');
    await put(join(junk, 'bad-tables', 'broken.json'), '{"train": [ {"id": ');
    await put(join(junk, 'bad-tables', 'notes.csv'), 'patient,comment\n1,fine\n');
    broken += 3;
    for (let k = 0; k < 5; k++) {
      await put(join(mimic, 'files', 'p11', `p1100000${k}`, `s5100000${k}.txt`), 'MIMIC report without images.\n');
      await put(join(mimic, 'files', 'p11', `p1100001${k}`, `s5100001${k}`, 'frontal.jpg'), await jpg(1600 + k));
      broken += 2;
    }
    await put(join(junk, 'other', 'notes.doc'), 'not a dataset file');
    await put(join(junk, 'other', '.DS_Store'), 'x');
    await put(join(root, '.radalign', 'junk.tmp'), 'state of an old run');
  }
  return { good, broken };
}

function ramp(count: number, seed: number): number[] {
  return Array.from({ length: count }, (_, i) => (i * 37 + seed * 101) % 4096);
}

/** A PNG whose header claims `width` × `height` but holds almost no data. */
function lyingPng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const idat = Buffer.from([0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
