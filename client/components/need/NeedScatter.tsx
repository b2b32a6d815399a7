/**
 * Need against link-worker provision for the PCNs in view (SVG, no chart library): one dot per PCN with both figures,
 * the selected PCN highlighted. The caption says what it shows and the PCN table below carries every value, so the
 * picture is never the only way to the figures.
 */
import type { PcnRow } from '../../need/needView';
import { formatCount, formatRate, formatSigned } from '../../need/format';

/** Props of NeedScatter. */
export interface NeedScatterProps {
  /** PCNs in view. */
  rows: readonly PcnRow[];
  /** Code of the selected PCN, or null. */
  selectedCode: string | null;
  /** Area name for the caption, e.g. "England". */
  areaName: string;
}

const WIDTH = 600;
const HEIGHT = 320;
const PAD = { left: 56, right: 16, top: 12, bottom: 44 };

/** Evenly spaced "nice" ticks over [min, max]. */
function ticks(min: number, max: number, count = 5): number[] {
  const span = max - min || 1;
  const step = 10 ** Math.floor(Math.log10(span / count));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= count) ?? step * 10;
  const out: number[] = [];
  for (let v = Math.ceil(min / nice) * nice; v <= max + 1e-9; v += nice) out.push(Number(v.toFixed(10)));
  return out;
}

/** See NeedScatterProps. */
export function NeedScatter({ rows, selectedCode, areaName }: NeedScatterProps) {
  const points = rows.flatMap((r) => {
    const x = r.figures.needIndex;
    const y = r.figures.splw_fte_per_10k;
    return x !== null && y !== null && Number.isFinite(x) && Number.isFinite(y) ? [{ row: r, x, y }] : [];
  });
  const missing = rows.length - points.length;
  const selected = points.find((p) => p.row.code === selectedCode);
  const caption = (
    <figcaption className="nhsuk-body-s">
      Need index (across) against social prescribing link workers per 10,000 patients (up) for{' '}
      {formatCount(points.length)} PCNs in {areaName}
      {missing > 0 ? ` (${formatCount(missing)} without both figures left out)` : ''}.
      {selected
        ? ` The selected PCN, ${selected.row.name}, is the large yellow dot: need ${formatSigned(selected.x)}, ${formatRate(selected.y)} link workers per 10,000.`
        : ''}{' '}
      The table below has every figure.
    </figcaption>
  );
  if (points.length === 0) {
    return (
      <figure className="signpost-scatter" data-testid="need-scatter">
        <p className="nhsuk-body-s">No PCN in view has both a need index and link-worker figures.</p>
      </figure>
    );
  }
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [xMin, xMax] = [Math.min(...xs, 0), Math.max(...xs, 0)];
  const [yMin, yMax] = [0, Math.max(...ys) || 1];
  const sx = (x: number) => PAD.left + ((x - xMin) / (xMax - xMin || 1)) * (WIDTH - PAD.left - PAD.right);
  const sy = (y: number) => HEIGHT - PAD.bottom - ((y - yMin) / (yMax - yMin || 1)) * (HEIGHT - PAD.top - PAD.bottom);
  const ordered = selected ? [...points.filter((p) => p !== selected), selected] : points;
  return (
    <figure className="signpost-scatter" data-testid="need-scatter">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="need-scatter-title">
        <title id="need-scatter-title">
          Scatter plot of need index against link workers per 10,000 patients for PCNs in {areaName}
        </title>
        <g aria-hidden="true" fontSize="12" fill="#4c6272">
          {ticks(xMin, xMax).map((t) => (
            <g key={`x${t}`}>
              <line x1={sx(t)} x2={sx(t)} y1={PAD.top} y2={HEIGHT - PAD.bottom} stroke="#e8edee" />
              <text x={sx(t)} y={HEIGHT - PAD.bottom + 16} textAnchor="middle">
                {formatSigned(t)}
              </text>
            </g>
          ))}
          {ticks(yMin, yMax).map((t) => (
            <g key={`y${t}`}>
              <line x1={PAD.left} x2={WIDTH - PAD.right} y1={sy(t)} y2={sy(t)} stroke="#e8edee" />
              <text x={PAD.left - 6} y={sy(t) + 4} textAnchor="end">
                {formatRate(t)}
              </text>
            </g>
          ))}
          <text x={(PAD.left + WIDTH - PAD.right) / 2} y={HEIGHT - 6} textAnchor="middle" fill="#212b32">
            Need index (0 = average PCN in England)
          </text>
          <text
            transform={`translate(14 ${(PAD.top + HEIGHT - PAD.bottom) / 2}) rotate(-90)`}
            textAnchor="middle"
            fill="#212b32"
          >
            Link workers per 10k
          </text>
          {ordered.map((p) => (
            <circle
              key={p.row.code}
              cx={sx(p.x)}
              cy={sy(p.y)}
              r={p === selected ? 8 : 4}
              className={`signpost-scatter__dot${p === selected ? ' signpost-scatter__dot--selected' : ''}`}
              data-pcn-code={p.row.code}
            />
          ))}
        </g>
      </svg>
      {caption}
    </figure>
  );
}
