// The console's address of a bus's day.
export const dayPath = (busId: string, date: string) =>
  `/buses/${encodeURIComponent(busId)}/days/${date}`;
