/** A zeroed Buffer over a SharedArrayBuffer of its own: posted to another thread, it is shared, not copied. */
export function sharedBytes(length: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(length));
}

/** `array` itself when it is a view of shared memory, else a copy of it in shared memory (a Buffer's copy is a Uint8Array). */
export function inSharedMemory(array: Uint8Array): Uint8Array;
export function inSharedMemory(array: Uint32Array): Uint32Array;
export function inSharedMemory(array: Uint8Array | Uint32Array): Uint8Array | Uint32Array {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const memory = new SharedArrayBuffer(array.byteLength);
  const copy = array instanceof Uint32Array ? new Uint32Array(memory) : new Uint8Array(memory);
  copy.set(array);
  return copy;
}
