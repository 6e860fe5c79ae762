"""BioViL image encoder (hi-ml-multimodal `ImageModel`): ResNet-50 -> 1x1-conv projector -> projected patch grid.

hi-ml's ImageModel.forward computes
    patch_x, pooled_x = encoder(x, return_patch_embeddings=True)     # layer4 map (b, 2048, 15, 15) at 480x480
    projected_patch_embeddings = projector(patch_x)                   # (b, 128, 15, 15): Conv1x1-BN-ReLU-Conv1x1
    projected_global_embedding = mean(projected_patch_embeddings, dim=(2, 3))
and its inference engine scores text against projected_global_embedding (zero-shot) and against the projected
patch embeddings (phrase grounding). This wrapper returns exactly those two, patches row-major.
"""
from torch import nn


class EncoderPatches(nn.Module):
    """hi-ml ImageEncoder -> its patch (last feature) map only."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, x):
        patch_x, _ = self.encoder(x, return_patch_embeddings=True)
        return patch_x


class ProjectedGridImage(nn.Module):
    """pixel_values -> image_embeds = mean of projected patches (b, E), patch_embeds (b, rows*cols, E)."""

    def __init__(self, feature_map, projector, grid):
        super().__init__()
        self.feature_map = feature_map
        self.projector = projector
        self.grid = tuple(grid)

    def forward(self, pixel_values):
        p = self.projector(self.feature_map(pixel_values))  # (b, E, rows, cols)
        return p.mean(dim=(2, 3)), p.flatten(2).transpose(1, 2)


def biovil_image(image_model, image_size, stride=32):
    """hi-ml `ImageModel` (image_model.encoder, image_model.projector). ResNet-50 has output stride 32."""
    grid = (image_size // stride, image_size // stride)
    return ProjectedGridImage(EncoderPatches(image_model.encoder), image_model.projector, grid)
