import type { MouseEvent } from "react";
import { project, unproject, type ProvinceOutline } from "../../domain/province-outline";
import { useT } from "../../i18n/i18n";

/**
 * The chosen province drawn from the bundled outline (no tiles): a click or tap sets the pin, and
 * the pin shows where typed or GPS coordinates fall. The latitude and longitude fields stay the
 * way to set it from a keyboard.
 */
export function PinMap({
  province,
  point,
  onPick,
}: {
  province: ProvinceOutline;
  point?: { lat: number; lon: number };
  onPick(point: { lat: number; lon: number }): void;
}) {
  const t = useT();
  const { minX, minY, maxX, maxY } = province.box;
  const size = Math.max(maxX - minX, maxY - minY) * 1.16;
  const left = (minX + maxX - size) / 2;
  const top = (minY + maxY - size) / 2;
  const pin = point ? project(point) : null;

  const pick = (event: MouseEvent<SVGSVGElement>) => {
    const matrix = event.currentTarget.getScreenCTM();
    if (!matrix) return;
    const at = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    onPick(unproject([at.x, at.y]));
  };

  return (
    <svg
      className="pin-map"
      viewBox={`${left} ${top} ${size} ${size}`}
      role="img"
      aria-label={t("location.mapLabel", { province: province.name })}
      onClick={pick}
    >
      <path d={province.d} className="pin-map-land" />
      {pin && <circle cx={pin[0]} cy={pin[1]} r={size / 40} className="pin-map-pin" />}
    </svg>
  );
}
