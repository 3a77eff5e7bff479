#!/usr/bin/env node
// Draws the walkthrough's sample image, a login-form mockup (media/sample/mockup.png), from the SVG
// below with sharp. Run it again after changing the drawing: node media/sample/make-mockup.mjs
// The PNG is committed (the extension ships it); this script is not shipped.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const width = 640;
const height = 480;
const font = 'DejaVu Sans, Helvetica, Arial, sans-serif';

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
  <rect width="100%" height="100%" fill="#eef1f5"/>
  <rect x="0" y="0" width="${width}" height="48" fill="#1f3a5f"/>
  <circle cx="32" cy="24" r="11" fill="#f5b942"/>
  <text x="52" y="31" font-family="${font}" font-size="18" font-weight="bold" fill="#ffffff">Acme Cloud</text>
  <text x="${width - 24}" y="30" font-family="${font}" font-size="14" fill="#c9d6e8" text-anchor="end">Help</text>

  <rect x="170" y="80" width="300" height="360" rx="10" fill="#ffffff" stroke="#d0d7e2"/>
  <text x="320" y="126" font-family="${font}" font-size="22" font-weight="bold" fill="#1d2430" text-anchor="middle">Sign in</text>
  <text x="320" y="150" font-family="${font}" font-size="13" fill="#6b7686" text-anchor="middle">Welcome back! Please enter your details.</text>

  <text x="194" y="186" font-family="${font}" font-size="13" font-weight="bold" fill="#1d2430">Email</text>
  <rect x="194" y="194" width="252" height="36" rx="5" fill="#ffffff" stroke="#aab4c3"/>
  <text x="206" y="217" font-family="${font}" font-size="13" fill="#9aa3b0">you@example.com</text>

  <text x="194" y="256" font-family="${font}" font-size="13" font-weight="bold" fill="#1d2430">Password</text>
  <rect x="194" y="264" width="252" height="36" rx="5" fill="#ffffff" stroke="#aab4c3"/>
  <text x="206" y="288" font-family="${font}" font-size="15" fill="#9aa3b0">••••••••</text>

  <rect x="194" y="314" width="14" height="14" rx="2" fill="#ffffff" stroke="#8a94a3"/>
  <text x="216" y="326" font-family="${font}" font-size="12" fill="#1d2430">Remember me</text>
  <text x="446" y="326" font-family="${font}" font-size="12" fill="#2f6fde" text-anchor="end">Forgot password?</text>

  <rect x="194" y="346" width="252" height="38" rx="5" fill="#2f6fde"/>
  <text x="320" y="370" font-family="${font}" font-size="15" font-weight="bold" fill="#ffffff" text-anchor="middle">Sign in</text>

  <text x="320" y="414" font-family="${font}" font-size="12" fill="#6b7686" text-anchor="middle">Don't have an account? <tspan fill="#2f6fde">Sign up</tspan></text>
</svg>`;

const target = path.join(path.dirname(fileURLToPath(import.meta.url)), 'mockup.png');
const info = await sharp(Buffer.from(svg)).png({ palette: true, colours: 64, compressionLevel: 9 }).toFile(target);
console.log(`${target}: ${info.width}×${info.height}, ${info.size} bytes`);
