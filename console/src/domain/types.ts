/** The API's answers the console reads (the fields it shows; the API sends more). */

export interface Quantity {
  value: number;
  unit: string;
}

export interface Batch {
  id: string;
  product: { name: string; category: string; gtin?: string };
  lot?: string;
  digitalLink: string;
  /** What public routes (QR, proof bundle, /b/) take: never the id (decision 0020). */
  publicId: string;
  origin: { place: string; regionCode: string; location?: { lat: number; lon: number }; harvestedAt: string };
  quantity: Quantity;
  available: Quantity;
  producerId: string;
  holderId: string;
  status: string;
  pendingTransferId: string | null;
  head: { seq: number; hash: string };
  createdAt: string;
}

export interface TraceEvent {
  id: string;
  seq: number;
  type: string;
  eventTime: string;
  hash: string;
  anchor: { windowId: string; root: string; leafIndex: number } | null;
  body: { data?: Record<string, unknown>; location?: { name?: string } };
}

export interface Transfer {
  id: string;
  batchId: string;
  from: string;
  to: string;
  quantity: Quantity;
  status: "pending" | "accepted" | "rejected";
  reason?: string;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}
