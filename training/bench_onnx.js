// Speed of the exported model in onnxruntime-node (what the engine runs):
//   node training/bench_onnx.js media/models/default [threads=2] [batch=16]
const ort = require('onnxruntime-node');
const path = require('path');

async function main() {
  const dir = process.argv[2] || 'media/models/default';
  const threads = Number(process.argv[3] || 2);
  const batch = Number(process.argv[4] || 16);
  const opts = { intraOpNumThreads: threads, interOpNumThreads: 1 };
  const vision = await ort.InferenceSession.create(path.join(dir, 'vision.onnx'), opts);
  const text = await ort.InferenceSession.create(path.join(dir, 'text.onnx'), opts);
  const px = new Float32Array(batch * 3 * 224 * 224).map(() => Math.random());
  const feeds = { pixel_values: new ort.Tensor('float32', px, [batch, 3, 224, 224]) };
  await vision.run(feeds);
  let n = 0;
  const t0 = Date.now();
  while (Date.now() - t0 < 8000) {
    await vision.run(feeds);
    n += batch;
  }
  const ips = n / ((Date.now() - t0) / 1000);
  const len = 64;
  const ids = new BigInt64Array(64 * len).map((_, i) => BigInt(2 + (i % 50)));
  const mask = new BigInt64Array(64 * len).fill(1n);
  const tf = {
    input_ids: new ort.Tensor('int64', ids, [64, len]),
    attention_mask: new ort.Tensor('int64', mask, [64, len]),
  };
  await text.run(tf);
  let m = 0;
  const t1 = Date.now();
  while (Date.now() - t1 < 3000) {
    await text.run(tf);
    m += 64;
  }
  console.log(
    JSON.stringify({
      threads,
      batch,
      imagesPerSecond: +ips.toFixed(1),
      textsPerSecond: +(m / ((Date.now() - t1) / 1000)).toFixed(0),
    }),
  );
}
main();
