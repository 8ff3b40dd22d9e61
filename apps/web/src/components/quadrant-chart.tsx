const SIZE = 240;
const PAD = 28;
const INNER = SIZE - PAD * 2;

/** The four quadrants, named: acclaim up, mainstream to the right. */
export const QUADRANTS = {
  topLeft: "Cult curator",
  topRight: "Crowd-pleaser",
  bottomLeft: "Deep-cut wanderer",
  bottomRight: "Chart devotee",
} as const;

export function quadrantOf(criticalAcclaim: number, mainstream: number): string {
  if (criticalAcclaim >= 0.5) return mainstream >= 0.5 ? QUADRANTS.topRight : QUADRANTS.topLeft;
  return mainstream >= 0.5 ? QUADRANTS.bottomRight : QUADRANTS.bottomLeft;
}

/**
 * The two scores on a quadrant chart: mainstream on the x axis, critical acclaim on the y axis, the
 * quadrants named. Without scores (too little listening) there is no dot, and the chart says why.
 */
export function QuadrantChart(props: { criticalAcclaim: number | null; mainstream: number | null }) {
  const { criticalAcclaim, mainstream } = props;
  const placed = criticalAcclaim !== null && mainstream !== null;
  const description = placed
    ? `Mainstream ${Math.round(mainstream * 100)} of 100, critical acclaim ${Math.round(criticalAcclaim * 100)} of 100: ${quadrantOf(criticalAcclaim, mainstream)}.`
    : "Too little listening to place you on the chart.";
  const x = (share: number) => PAD + share * INNER;
  const y = (share: number) => PAD + (1 - share) * INNER;
  return (
    <figure className="quadrant">
      <svg viewBox={`0 0 ${SIZE} ${SIZE}`} role="img" aria-label={description} className="quadrant-svg">
        <rect x={PAD} y={PAD} width={INNER} height={INNER} className="quadrant-frame" />
        <line x1={PAD + INNER / 2} y1={PAD} x2={PAD + INNER / 2} y2={PAD + INNER} className="quadrant-axis" />
        <line x1={PAD} y1={PAD + INNER / 2} x2={PAD + INNER} y2={PAD + INNER / 2} className="quadrant-axis" />
        <text x={PAD + INNER / 4} y={PAD + 16} className="quadrant-name">
          {QUADRANTS.topLeft}
        </text>
        <text x={PAD + (INNER * 3) / 4} y={PAD + 16} className="quadrant-name">
          {QUADRANTS.topRight}
        </text>
        <text x={PAD + INNER / 4} y={PAD + INNER - 8} className="quadrant-name">
          {QUADRANTS.bottomLeft}
        </text>
        <text x={PAD + (INNER * 3) / 4} y={PAD + INNER - 8} className="quadrant-name">
          {QUADRANTS.bottomRight}
        </text>
        <text x={PAD} y={SIZE - 8} className="quadrant-label quadrant-label-start">
          Niche
        </text>
        <text x={PAD + INNER} y={SIZE - 8} className="quadrant-label quadrant-label-end">
          Mainstream
        </text>
        <text
          x={12}
          y={PAD + INNER / 2}
          className="quadrant-label"
          transform={`rotate(-90 12 ${PAD + INNER / 2})`}
        >
          Critical acclaim
        </text>
        {placed ? (
          <circle
            cx={x(mainstream)}
            cy={y(criticalAcclaim)}
            r={7}
            className="quadrant-dot"
            data-testid="quadrant-dot"
          />
        ) : null}
      </svg>
      <figcaption aria-hidden="true">{description}</figcaption>
    </figure>
  );
}
