// Blocks of the image × report similarity matrix, computed by onnxruntime's CPU GEMM on packed
// embeddings (gemm-graph.ts). Always the CPU provider: ranking must be exact, and the error bound
// that rank-pairs.ts relies on holds for float32 accumulation, not for TF32 or fp16 units.
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { GEMM_A, GEMM_B, GEMM_C, gemmTransposedModel } from './gemm-graph';

export interface SimilarityBlocks {
  /** rows×cols block: out[r·cols + c] = a_r · b_c, for `rows` packed rows of `a` and `cols` packed rows of `b`. */
  multiply(a: Float32Array, rows: number, b: Float32Array, cols: number, dim: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export async function openSimilarityBlocks(threads = 0): Promise<SimilarityBlocks> {
  const session = await InferenceSession.create(gemmTransposedModel(), {
    executionProviders: ['cpu'],
    ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
  });
  return {
    async multiply(a, rows, b, cols, dim) {
      const feeds = {
        [GEMM_A]: new Tensor('float32', a, [rows, dim]),
        [GEMM_B]: new Tensor('float32', b, [cols, dim]),
      };
      const out = await session.run(feeds);
      return out[GEMM_C]!.data as Float32Array;
    },
    dispose: () => session.release(),
  };
}
