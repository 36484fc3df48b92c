/** The run's Twitter card image: the same picture as its Open Graph image. */
import { runPreviewImage } from './_lib/previewImage';

export const alt = 'A run of the EMNIST dashboard: its results and validation accuracy per epoch';
export const size = { width: 1200, height: 630 };
export const contentType = 'image/png';

export default async function Image({ params }: { params: Promise<{ id: string }> }) {
  return runPreviewImage(decodeURIComponent((await params).id));
}
