import type { mapZhCN } from './map.zh-CN';

// Typed by the Chinese source: a missing or extra key is a compile error.
export const mapEn: Record<keyof typeof mapZhCN, string> = {
  'map.noWebgl': 'This browser cannot show maps (no WebGL); please use a newer browser',
  'map.failed': 'The map could not be loaded',
  'map.useMyPosition': 'Use my position',
  'map.locating': 'Locating…',
  'map.accuracy': 'accuracy ±{metres} m',
  'map.locationDenied': 'Position unavailable; tap the map instead',
  'map.tapToPlace': 'Tap the map to place the point; tap again to move it',
  'map.placed': 'Point placed',
  'map.placedByGps': 'Placed by the phone’s GPS (±{metres} m)',
  'map.clear': 'Clear point',
  'map.noPoint': 'No point placed yet',
  'map.legend.events': 'Events',
  'map.legend.houses': 'Houses',
  'map.legend.roads': 'Roads',
  'map.legend.rivers': 'Rivers',
  'map.legend.cameras': 'Cameras',
  'map.legend.gates': 'Gates',
  'map.legend.untested': 'Untested heat',
  'map.openEvent': 'Open event {code}',
  'map.eventPoints': '{count} event points',
};
