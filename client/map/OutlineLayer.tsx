/** Non-interactive outlines on the map's outline canvas: boundaries (ICBs), catchment edges and selection highlights. */
import { useEffect, useLayoutEffect, useRef } from 'react';
import { geoJSON, type GeoJSON as GeoJsonLayer, type GeoJSONOptions, type PathOptions } from 'leaflet';
import { useMap } from 'react-leaflet';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { OUTLINE_PANE, choroplethRenderers } from './mapPanes';

/** Props of OutlineLayer. */
export interface OutlineLayerProps<P> {
  /** Shapes to outline (a collection or one feature). */
  data: FeatureCollection<Geometry, P> | Feature<Geometry, P>;
  /** Line style of each shape (fill is always off). */
  lineStyle: (properties: P) => PathOptions;
}

/** Outlines `data` above the area fills; it never takes pointer events. Renders nothing in React. */
export function OutlineLayer<P>({ data, lineStyle }: OutlineLayerProps<P>) {
  const map = useMap();
  const latestStyle = useRef(lineStyle);
  useLayoutEffect(() => {
    latestStyle.current = lineStyle;
  });
  const layerRef = useRef<GeoJsonLayer<P> | null>(null);

  useEffect(() => {
    // GeoJSON passes path options such as the renderer on to every shape it makes.
    const options: GeoJSONOptions<P, Geometry> & PathOptions = {
      pane: OUTLINE_PANE,
      renderer: choroplethRenderers(map).outlines,
      interactive: false,
      style: (feature) => ({ ...(feature ? latestStyle.current(feature.properties) : {}), fill: false }),
    };
    const layer = geoJSON<P, Geometry>(data, options);
    layer.addTo(map);
    layerRef.current = layer;
    return () => {
      layer.remove();
      if (layerRef.current === layer) layerRef.current = null;
    };
  }, [map, data]);

  useEffect(() => {
    layerRef.current?.setStyle((feature) => ({
      ...(feature ? latestStyle.current(feature.properties as P) : {}),
      fill: false,
    }));
  }, [lineStyle]);

  return null;
}
