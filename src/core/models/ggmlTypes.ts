// Bytes taken by a tensor of each ggml type, for checking that a GGUF file holds all its tensor
// data. Values per block and bytes per block come from ggml's `type_traits` (ggml/src/ggml.c) and
// the block structs in ggml/src/ggml-common.h of the llama.cpp the project builds; ids are
// `enum ggml_type` (ggml/include/ggml.h). A row of `ne[0]` values takes ne[0] / blockValues
// blocks; a tensor is rows × that (ggml_nbytes for a contiguous tensor).

export interface GgmlTypeLayout {
  readonly name: string;
  readonly blockValues: number;
  readonly blockBytes: number;
}

const layouts: ReadonlyMap<number, GgmlTypeLayout> = new Map([
  [0, { name: 'F32', blockValues: 1, blockBytes: 4 }],
  [1, { name: 'F16', blockValues: 1, blockBytes: 2 }],
  [2, { name: 'Q4_0', blockValues: 32, blockBytes: 18 }],
  [3, { name: 'Q4_1', blockValues: 32, blockBytes: 20 }],
  [6, { name: 'Q5_0', blockValues: 32, blockBytes: 22 }],
  [7, { name: 'Q5_1', blockValues: 32, blockBytes: 24 }],
  [8, { name: 'Q8_0', blockValues: 32, blockBytes: 34 }],
  [9, { name: 'Q8_1', blockValues: 32, blockBytes: 36 }],
  [10, { name: 'Q2_K', blockValues: 256, blockBytes: 84 }],
  [11, { name: 'Q3_K', blockValues: 256, blockBytes: 110 }],
  [12, { name: 'Q4_K', blockValues: 256, blockBytes: 144 }],
  [13, { name: 'Q5_K', blockValues: 256, blockBytes: 176 }],
  [14, { name: 'Q6_K', blockValues: 256, blockBytes: 210 }],
  [15, { name: 'Q8_K', blockValues: 256, blockBytes: 292 }],
  [16, { name: 'IQ2_XXS', blockValues: 256, blockBytes: 66 }],
  [17, { name: 'IQ2_XS', blockValues: 256, blockBytes: 74 }],
  [18, { name: 'IQ3_XXS', blockValues: 256, blockBytes: 98 }],
  [19, { name: 'IQ1_S', blockValues: 256, blockBytes: 50 }],
  [20, { name: 'IQ4_NL', blockValues: 32, blockBytes: 18 }],
  [21, { name: 'IQ3_S', blockValues: 256, blockBytes: 110 }],
  [22, { name: 'IQ2_S', blockValues: 256, blockBytes: 82 }],
  [23, { name: 'IQ4_XS', blockValues: 256, blockBytes: 136 }],
  [24, { name: 'I8', blockValues: 1, blockBytes: 1 }],
  [25, { name: 'I16', blockValues: 1, blockBytes: 2 }],
  [26, { name: 'I32', blockValues: 1, blockBytes: 4 }],
  [27, { name: 'I64', blockValues: 1, blockBytes: 8 }],
  [28, { name: 'F64', blockValues: 1, blockBytes: 8 }],
  [29, { name: 'IQ1_M', blockValues: 256, blockBytes: 56 }],
  [30, { name: 'BF16', blockValues: 1, blockBytes: 2 }],
  [34, { name: 'TQ1_0', blockValues: 256, blockBytes: 54 }],
  [35, { name: 'TQ2_0', blockValues: 256, blockBytes: 66 }],
  [39, { name: 'MXFP4', blockValues: 32, blockBytes: 17 }],
  [40, { name: 'NVFP4', blockValues: 64, blockBytes: 36 }],
  [41, { name: 'Q1_0', blockValues: 128, blockBytes: 18 }],
  [42, { name: 'Q2_0', blockValues: 64, blockBytes: 18 }],
]);

/** Block layout of a ggml type this llama.cpp reads, or undefined (removed, or unknown). */
export function ggmlTypeLayout(typeId: number): GgmlTypeLayout | undefined {
  return layouts.get(typeId);
}

/** The ggml type's name ("Q8_0"), or "type N" for one this table does not know. */
export function ggmlTypeName(typeId: number): string {
  return layouts.get(typeId)?.name ?? `type ${typeId}`;
}

/**
 * Bytes of tensor data for `dimensions` (innermost first) of ggml type `typeId`, or undefined
 * when the type is unknown or the row length is not a whole number of blocks (llama.cpp refuses
 * such a tensor when it loads; the size check leaves it to that).
 */
export function tensorByteSize(typeId: number, dimensions: readonly number[]): number | undefined {
  const layout = layouts.get(typeId);
  if (layout === undefined) return undefined;
  const [rowLength = 1, ...rest] = dimensions;
  if (rowLength % layout.blockValues !== 0) return undefined;
  const rows = rest.reduce((product, dimension) => product * dimension, 1);
  return (rowLength / layout.blockValues) * layout.blockBytes * rows;
}
