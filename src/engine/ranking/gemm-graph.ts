// The one ONNX graph ranking needs, written as protobuf bytes here rather than shipped as a file:
// C = A · Bᵀ (Gemm, transB = 1) with A [rows, dim] and B [cols, dim], every axis dynamic. Ranking
// multiplies blocks of the packed image and report embeddings with it, so onnxruntime's CPU GEMM
// does the O(N²·D) work instead of a JavaScript loop.

/** Field numbers from onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto, TypeProto). */
/* eslint-disable @typescript-eslint/no-duplicate-enum-values -- each message numbers its fields from 1 */
const enum Field {
  ModelIrVersion = 1,
  ModelGraph = 7,
  ModelOpsetImport = 8,
  OpsetVersion = 2,
  GraphNode = 1,
  GraphName = 2,
  GraphInput = 11,
  GraphOutput = 12,
  NodeInput = 1,
  NodeOutput = 2,
  NodeOpType = 4,
  NodeAttribute = 5,
  AttributeName = 1,
  AttributeInt = 3,
  AttributeType = 20,
  ValueInfoName = 1,
  ValueInfoType = 2,
  TypeTensor = 1,
  TensorElemType = 1,
  TensorShape = 2,
  ShapeDim = 1,
  DimParam = 2,
}
/* eslint-enable @typescript-eslint/no-duplicate-enum-values */

const ATTRIBUTE_INT = 2;
const ELEM_FLOAT = 1;

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function intField(field: number, value: number): number[] {
  return [...varint(field << 3), ...varint(value)];
}

function bytesField(field: number, body: number[] | string): number[] {
  const bytes = typeof body === 'string' ? [...Buffer.from(body, 'utf8')] : body;
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

function floatMatrix(name: string, rowsParam: string, colsParam: string): number[] {
  const shape = [
    ...bytesField(Field.ShapeDim, bytesField(Field.DimParam, rowsParam)),
    ...bytesField(Field.ShapeDim, bytesField(Field.DimParam, colsParam)),
  ];
  const tensor = [...intField(Field.TensorElemType, ELEM_FLOAT), ...bytesField(Field.TensorShape, shape)];
  return [
    ...bytesField(Field.ValueInfoName, name),
    ...bytesField(Field.ValueInfoType, bytesField(Field.TypeTensor, tensor)),
  ];
}

/** Input names and output name of the graph. */
export const GEMM_A = 'a';
export const GEMM_B = 'b';
export const GEMM_C = 'c';

/** ONNX model bytes for C = A · Bᵀ (opset 13, IR 8). */
export function gemmTransposedModel(): Uint8Array {
  const transB = [
    ...bytesField(Field.AttributeName, 'transB'),
    ...intField(Field.AttributeInt, 1),
    ...intField(Field.AttributeType, ATTRIBUTE_INT),
  ];
  const node = [
    ...bytesField(Field.NodeInput, GEMM_A),
    ...bytesField(Field.NodeInput, GEMM_B),
    ...bytesField(Field.NodeOutput, GEMM_C),
    ...bytesField(Field.NodeOpType, 'Gemm'),
    ...bytesField(Field.NodeAttribute, transB),
  ];
  const graph = [
    ...bytesField(Field.GraphNode, node),
    ...bytesField(Field.GraphName, 'radalign-similarity'),
    ...bytesField(Field.GraphInput, floatMatrix(GEMM_A, 'rows', 'dim')),
    ...bytesField(Field.GraphInput, floatMatrix(GEMM_B, 'cols', 'dim')),
    ...bytesField(Field.GraphOutput, floatMatrix(GEMM_C, 'rows', 'cols')),
  ];
  const opset = intField(Field.OpsetVersion, 13);
  return Uint8Array.from([
    ...intField(Field.ModelIrVersion, 8),
    ...bytesField(Field.ModelOpsetImport, opset),
    ...bytesField(Field.ModelGraph, graph),
  ]);
}
