import type { Types } from "mongoose";
import { type BatchDoc, type BatchBrand, originOf, statedClaimCandidate } from "../batches";
import { roundQuantity, BrandClaimError, claimBrand, inheritedBrand, releaseBrandClaim } from "../brands";
import type { UseCaseContext } from "../ledger";
import type { NewTransformation } from "./domain/new-transformation";

/**
 * The brands of a transformation's outputs, settled before any input is consumed: inherited from
 * branded inputs (no new quota), or claimed against the processor's own licence, so that a refused
 * claim leaves every input untouched (decision 0010).
 */
type OutputBrand = { brand: BatchBrand; claimed: boolean } | undefined;

export async function outputBrands(
  ctx: UseCaseContext,
  actorId: string,
  { inputs, outputs }: NewTransformation,
  inputBatches: BatchDoc[],
  outputIds: Types.ObjectId[],
): Promise<OutputBrand[]> {
  const brands: OutputBrand[] = [];
  try {
    for (const [index, output] of outputs.entries()) {
      if (!output.brand) {
        brands.push(undefined);
        continue;
      }
      const inherited = inheritedBrand(output.brand, inputBatches);
      if (inherited) {
        assertWithinBrandedInputs(output.brand, index, outputs, inputs);
        brands.push({ brand: inherited, claimed: false });
        continue;
      }
      const origin = output.origin ?? originOf(inputBatches[0]);
      const claim = await claimBrand(
        ctx,
        output.brand,
        statedClaimCandidate(
          {
            id: outputIds[index],
            producerId: actorId,
            category: output.product.category,
            regionCode: origin.regionCode,
            place: origin.place,
            harvestedAt: origin.harvestedAt,
            quantity: output.quantity,
          },
          `body.outputs[${index}]`,
        ),
      ).catch((error: unknown) => {
        throw error instanceof BrandClaimError ? error.at(`body.outputs[${index}].brand`) : error;
      });
      brands.push({ brand: claim, claimed: true });
    }
  } catch (error) {
    await releaseOutputClaims(ctx, brands, outputs);
    throw error;
  }
  return brands;
}

/**
 * Processing never adds branded product: outputs that inherit a brand may together hold at most
 * what the transformation consumes of inputs, in the same unit (drying tea loses mass; nothing
 * gains it). Otherwise a processor could turn 20 kg of branded leaves into 500 kg of "branded" tea.
 */
function assertWithinBrandedInputs(
  brandId: string,
  index: number,
  outputs: NewTransformation["outputs"],
  inputs: NewTransformation["inputs"],
): void {
  const unit = outputs[index].quantity.unit;
  const consumed = inputs.filter((item) => item.quantity.unit === unit);
  if (consumed.length !== inputs.length) {
    throw new BrandClaimError(
      `outputs inheriting the brand must be in the unit of their inputs (${inputs[0].quantity.unit})`,
    ).at(`body.outputs[${index}].quantity.unit`);
  }
  const limit = consumed.reduce((sum, item) => sum + item.quantity.value, 0);
  const branded = outputs
    .filter((output) => output.brand === brandId)
    .reduce((sum, output) => sum + output.quantity.value, 0);
  if (branded > limit + 1e-9) {
    throw new BrandClaimError(
      `branded outputs hold ${roundQuantity(branded)} ${unit}, more than the ${roundQuantity(limit)} ${unit} of branded inputs consumed`,
    ).at(`body.outputs[${index}].quantity`);
  }
}

export async function releaseOutputClaims(
  ctx: UseCaseContext,
  brands: OutputBrand[],
  outputs: NewTransformation["outputs"],
) {
  for (const [index, item] of brands.entries()) {
    if (item?.claimed) await releaseBrandClaim(ctx, item.brand, outputs[index].quantity.value);
  }
}
