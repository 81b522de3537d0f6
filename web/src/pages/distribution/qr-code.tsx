// A link's QR code as an SVG: one path of dark squares, a quiet zone of four modules.
import { useMemo } from 'react';
import { qrModules } from './qr.ts';

export function QrCode({ text, label, size = 176 }: { text: string; label: string; size?: number }) {
  const modules = useMemo(() => qrModules(text), [text]);
  if (!modules) return null;
  const n = modules.length + 8;
  let d = '';
  modules.forEach((row, y) => row.forEach((dark, x) => { if (dark) d += `M${x + 4} ${y + 4}h1v1h-1z`; }));
  return (
    <svg role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${n} ${n}`} shapeRendering="crispEdges" data-testid="promotion-qr">
      <rect width={n} height={n} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
