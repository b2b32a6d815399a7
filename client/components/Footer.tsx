/** The NHS.UK footer with the data licence and map attribution lines the reused data requires. */
import { Link } from 'react-router';
import { JOURNEYS } from '../journeys';

/** Site footer: journey links, Open Government Licence and OpenStreetMap credits. */
export function Footer() {
  return (
    <footer className="nhsuk-footer" role="contentinfo">
      <div className="nhsuk-width-container">
        <div className="nhsuk-footer__meta">
          <h2 className="nhsuk-u-visually-hidden">Support links</h2>
          <ul className="nhsuk-footer__list">
            {JOURNEYS.map((journey) => (
              <li className="nhsuk-footer__list-item" key={journey.path}>
                <Link className="nhsuk-footer__list-item-link" to={journey.path}>
                  {journey.title}
                </Link>
              </li>
            ))}
          </ul>
          <p className="nhsuk-body-s">
            Contains public sector information licensed under the{' '}
            <a href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/">
              Open Government Licence v3.0
            </a>
            .
          </p>
          <p className="nhsuk-body-s">
            Map data © <a href="https://www.openstreetmap.org/copyright">OpenStreetMap contributors</a>
          </p>
        </div>
      </div>
    </footer>
  );
}
