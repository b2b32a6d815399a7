/** A generated stand-in map tile, so browser tests never reach a real tile server (there is no internet in tests). */
import zlib from 'node:zlib';

/** Tile host the test app is configured with (TILE_URL); every request to it is answered locally. */
export const TEST_TILE_ORIGIN = 'https://tiles.signpost.test';

/** Tile URL template for the test app's configuration. */
export const TEST_TILE_URL = `${TEST_TILE_ORIGIN}/{z}/{x}/{y}.png`;

const TILE_SIZE = 256;

function chunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typeAndData) >>> 0);
  return Buffer.concat([length, typeAndData, crc]);
}

/** Builds a 256×256 RGB PNG: pale background with a grid line on two edges, so tiled screenshots look like a map canvas. */
export function makeTilePng(): Buffer {
  const background = [0xe8, 0xed, 0xee];
  const line = [0xc8, 0xd1, 0xd5];
  const rowLength = 1 + TILE_SIZE * 3;
  const raw = Buffer.alloc(rowLength * TILE_SIZE);
  for (let y = 0; y < TILE_SIZE; y++) {
    raw[y * rowLength] = 0; // filter: none
    for (let x = 0; x < TILE_SIZE; x++) {
      const colour = x === 0 || y === 0 ? line : background;
      raw.set(colour, y * rowLength + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(TILE_SIZE, 0);
  header.writeUInt32BE(TILE_SIZE, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit depth, truecolour, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The generated tile, built once per test file. */
export const TILE_PNG = makeTilePng();
