/** Route `/find`: link workers search services near a person (today: the map of England; search comes next). Loaded lazily with Leaflet. */
import { PageHeading } from '../components/PageHeading';
import { usePageTitle } from '../hooks/usePageTitle';
import { BaseMap } from '../map/BaseMap';

/** Find services page: explanation and the base map. */
export function FindServicesPage() {
  usePageTitle('Find services');
  return (
    <>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <PageHeading caption="For link workers">Find services</PageHeading>
          <p className="nhsuk-lede-text">
            Find community and voluntary services near the person you are supporting, and see which ones can take people
            on now.
          </p>
          <div className="nhsuk-inset-text">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>Searching by postcode is coming soon. Services will appear on the map as organisations publish them.</p>
          </div>
        </div>
      </div>
      <BaseMap ariaLabel="Map of England" />
    </>
  );
}
