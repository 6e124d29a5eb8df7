#!/usr/bin/env node
// Draws the installable app's icons (a shield holding a grid, the favicon's mark) and writes the
// PNGs the web manifest names into web/public/icons. Run again after changing the drawing; the
// PNGs are committed so a build needs no image tool.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const out = path.resolve(import.meta.dirname, '../web/public/icons');
mkdirSync(out, { recursive: true });

const shield = (scale) => `
  <g transform="translate(256 256) scale(${scale}) translate(-32 -32)">
    <path d="M32 4 8 13v17c0 15 10 26 24 30 14-4 24-15 24-30V13z" fill="#fff"/>
    <path d="M32 8.5 12 16v14c0 12.6 8.2 22 20 25.6 11.8-3.6 20-13 20-25.6V16z" fill="#1a5fb4"/>
    <path d="M21 22h22v19H21zM32 22v19M21 31.5h22" stroke="#fff" stroke-width="2.6" fill="none" stroke-linejoin="round"/>
  </g>`;

// "any": rounded tile, the mark filling most of it. "maskable": full-bleed background, the mark inside
// the central 80 % safe zone that launchers keep whatever shape they cut.
const anyIcon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
  <rect width="512" height="512" rx="96" fill="#0f3d7a"/>${shield(6.4)}</svg>`;
const maskableIcon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
  <rect width="512" height="512" fill="#0f3d7a"/>${shield(4.8)}</svg>`;

const render = (svg, size, name) =>
  sharp(Buffer.from(svg)).resize(size, size).png({ compressionLevel: 9 }).toFile(path.join(out, name));

await render(anyIcon, 192, 'icon-192.png');
await render(anyIcon, 512, 'icon-512.png');
await render(maskableIcon, 512, 'maskable-512.png');
await render(maskableIcon, 180, 'apple-touch-icon.png');
console.log(`icons written to ${out}`);
