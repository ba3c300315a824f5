// The console's addresses of the reports.
export const monthlyPath = (busId: string, month: string) =>
  `/reports/monthly/${encodeURIComponent(busId)}/${month}`;
