/**
 * A control's value that follows the user at once and the URL whenever the URL changes (Back, links). URL updates are
 * React transitions (react-router), so a control bound straight to the URL springs back until the navigation
 * commits: a click on a checkbox seems not to take, and a fast second click undoes the first.
 */
import { useEffect, useState, type Dispatch, type SetStateAction } from 'react';

export function useUrlBackedState<T>(fromUrl: T): [T, Dispatch<SetStateAction<T>>] {
  const [value, setValue] = useState(fromUrl);
  useEffect(() => setValue(fromUrl), [fromUrl]);
  return [value, setValue];
}
