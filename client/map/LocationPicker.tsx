/** A small map for one service location: the pin follows the postcode (geocoded by the API) and can be dragged to fine-tune. */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { LatLngTuple, Marker as LeafletMarker } from 'leaflet';
import { Marker, useMap } from 'react-leaflet';
import { ApiError, getJson } from '../api/client';
import { BaseMap } from './BaseMap';

/** A full UK postcode, as the service schema accepts it. */
const FULL_POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/;

/** Zoom used once the pin is placed: street level. */
const PIN_ZOOM = 15;

/** Props of LocationPicker. */
export interface LocationPickerProps {
  /** Postcode typed by the user; geocoded (debounced) when it changes to a full postcode. */
  postcode: string;
  /** Latitude set by dragging the pin, or null when the postcode alone places the location. */
  lat: number | null;
  /** Longitude set by dragging the pin, or null. */
  lng: number | null;
  /** Called with the pin position after a drag. */
  onMove(lat: number, lng: number): void;
  /** Accessible name of the map. */
  ariaLabel: string;
}

/** Moves the view to the pin whenever the pin moves somewhere new. */
function FollowPin({ position }: { position: LatLngTuple | null }) {
  const map = useMap();
  const lat = position?.[0];
  const lng = position?.[1];
  useEffect(() => {
    if (lat == null || lng == null) return;
    map.setView([lat, lng], Math.max(map.getZoom(), PIN_ZOOM));
  }, [map, lat, lng]);
  return null;
}

/** Map with a draggable pin for one location; the text fields stay the accessible way to set it (postcode is enough). */
export function LocationPicker({ postcode, lat, lng, onMove, ariaLabel }: LocationPickerProps) {
  const [geocoded, setGeocoded] = useState<{ postcode: string; position: LatLngTuple } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const markerRef = useRef<LeafletMarker | null>(null);
  const initialPostcode = useRef(postcode);

  const normalised = postcode.trim().toUpperCase();
  useEffect(() => {
    // The saved location already has its pin; only look up a postcode the user has changed.
    if (normalised === initialPostcode.current.trim().toUpperCase()) return;
    if (!FULL_POSTCODE.test(normalised)) return;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      getJson<{ postcode: string; lat: number; lng: number }>(`/api/geocode?q=${encodeURIComponent(normalised)}`, {
        signal: controller.signal,
      })
        .then((answer) => {
          setGeocoded({ postcode: normalised, position: [answer.lat, answer.lng] });
          setMessage(`Pin moved to ${answer.postcode}.`);
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          setMessage(
            error instanceof ApiError && error.status === 404
              ? `We could not find ${normalised} on the map. You can still save it.`
              : 'The postcode could not be looked up. You can still save it.',
          );
        });
    }, 400);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [normalised]);

  const position = useMemo<LatLngTuple | null>(() => {
    if (lat != null && lng != null) return [lat, lng];
    if (geocoded && geocoded.postcode === normalised) return geocoded.position;
    return null;
  }, [lat, lng, geocoded, normalised]);

  const eventHandlers = useMemo(
    () => ({
      dragend() {
        const at = markerRef.current?.getLatLng();
        if (!at) return;
        onMove(Math.round(at.lat * 1e6) / 1e6, Math.round(at.lng * 1e6) / 1e6);
      },
    }),
    [onMove],
  );

  return (
    <div className="signpost-location-picker">
      <BaseMap ariaLabel={ariaLabel} className="signpost-map--picker">
        <FollowPin position={position} />
        {position && (
          <Marker
            position={position}
            draggable
            keyboard
            title="Location pin: drag to move"
            alt="Location pin"
            ref={markerRef}
            eventHandlers={eventHandlers}
          />
        )}
      </BaseMap>
      <p className="nhsuk-body-s" role="status">
        {message ?? (position ? 'Drag the pin to fine-tune the location.' : 'Enter a postcode to place the pin.')}
      </p>
    </div>
  );
}
