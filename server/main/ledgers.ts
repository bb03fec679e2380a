import { BATCH_LEDGER } from "../modules/batches";
import { BRAND_LEDGER } from "../modules/brands";

/** Every kind of ledger the service keeps, for the start-up repair of heads (decision 0010). */
export const LEDGERS = [BATCH_LEDGER, BRAND_LEDGER] as const;
