import { Buffer } from 'node:buffer';
// Draws the app's two Teams icons (a shield with a check) as PNGs, so they are reproducible
// from source: color.png 192x192 on the brand color, outline.png 32x32 white on transparent.
import fs from 'node:fs';
import zlib from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};

function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      // 4x4 supersampling for smooth edges.
      let acc = [0, 0, 0, 0];
      for (let sy = 0; sy < 4; sy++)
        for (let sx = 0; sx < 4; sx++) {
          const p = pixel((x + (sx + 0.5) / 4) / size, (y + (sy + 0.5) / 4) / size);
          acc = acc.map((v, i) => v + p[i]);
        }
      const o = y * (size * 4 + 1) + 1 + x * 4;
      for (let i = 0; i < 4; i++) raw[o + i] = Math.round(acc[i] / 16);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Shield: flat top, sides curving to a point; coordinates in 0..1.
function inShield(x, y, inset = 0) {
  const top = 0.16 + inset,
    bottom = 0.88 - inset,
    half = 0.33 - inset;
  if (y < top || y > bottom) return false;
  const t = (y - top) / (bottom - top);
  const w = t < 0.45 ? half : half * Math.sqrt(Math.max(0, 1 - ((t - 0.45) / 0.55) ** 2));
  return Math.abs(x - 0.5) <= w;
}
function onCheck(x, y, width) {
  const seg = (ax, ay, bx, by) => {
    const dx = bx - ax,
      dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(x - (ax + t * dx), y - (ay + t * dy)) <= width;
  };
  return seg(0.36, 0.5, 0.46, 0.61) || seg(0.46, 0.61, 0.65, 0.39);
}

const brand = [70, 71, 117, 255];
const color = png(192, (x, y) => {
  if (inShield(x, y)) return onCheck(x, y, 0.045) ? brand : [255, 255, 255, 255];
  return brand;
});
const outline = png(32, (x, y) => {
  const ring = inShield(x, y) && !inShield(x, y, 0.075);
  return ring || onCheck(x, y, 0.05) ? [255, 255, 255, 255] : [0, 0, 0, 0];
});
fs.writeFileSync(new URL('../appPackage/color.png', import.meta.url), color);
fs.writeFileSync(new URL('../appPackage/outline.png', import.meta.url), outline);
console.log('wrote appPackage/color.png and appPackage/outline.png');
