import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng, type RgbaImage } from './png';

/** The accent colour of the app (manifest accentColor and the color icon's background). */
export const ACCENT_RGB: readonly [number, number, number] = [0x1f, 0x5a, 0xa6];

function inRoundedRect(
  x: number,
  y: number,
  [x0, y0, x1, y1]: [number, number, number, number],
  r: number,
): boolean {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** The glyph, a briefcase (the project office), in unit coordinates: true where it is drawn. */
function briefcase(x: number, y: number): boolean {
  const handle =
    inRoundedRect(x, y, [0.38, 0.2, 0.62, 0.4], 0.05) &&
    !inRoundedRect(x, y, [0.44, 0.26, 0.56, 0.42], 0.02);
  const body = inRoundedRect(x, y, [0.16, 0.34, 0.84, 0.8], 0.07);
  const seam = y > 0.5 && y < 0.55;
  const clasp = inRoundedRect(x, y, [0.44, 0.46, 0.56, 0.6], 0.02);
  return handle || (body && !seam) || clasp;
}

function render(
  size: number,
  glyphScale: number,
  paint: (coverage: number) => [number, number, number, number],
): RgbaImage {
  const pixels = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const u = (px + (sx + 0.5) / samples) / size;
          const v = (py + (sy + 0.5) / samples) / size;
          if (briefcase(0.5 + (u - 0.5) / glyphScale, 0.5 + (v - 0.5) / glyphScale)) hits++;
        }
      }
      const [r, g, b, a] = paint(hits / (samples * samples));
      pixels.set([r, g, b, a], (py * size + px) * 4);
    }
  }
  return { width: size, height: size, pixels };
}

/** The 192×192 full-colour icon: a white briefcase on the accent colour. */
export function renderColorIcon(): RgbaImage {
  return render(192, 0.8, (c) => [
    Math.round(ACCENT_RGB[0] + (255 - ACCENT_RGB[0]) * c),
    Math.round(ACCENT_RGB[1] + (255 - ACCENT_RGB[1]) * c),
    Math.round(ACCENT_RGB[2] + (255 - ACCENT_RGB[2]) * c),
    255,
  ]);
}

/** The 32×32 outline icon: white on transparent, as Teams requires. */
export function renderOutlineIcon(): RgbaImage {
  return render(32, 1.15, (c) => [255, 255, 255, Math.round(255 * c)]);
}

/** Regenerates color.png and outline.png in the given folder (deployment/teams by default). */
export function writeIcons(dir: string): { color: string; outline: string } {
  const color = join(dir, 'color.png');
  const outline = join(dir, 'outline.png');
  writeFileSync(color, encodePng(renderColorIcon()));
  writeFileSync(outline, encodePng(renderOutlineIcon()));
  return { color, outline };
}

if (require.main === module) {
  // Compiled to dist/deployment/teams: write into the source folder, not into dist.
  const dir = process.argv[2] ?? join(__dirname, '..', '..', '..', 'deployment', 'teams');
  const written = writeIcons(dir);
  console.log(`Wrote ${written.color} and ${written.outline}`);
}
