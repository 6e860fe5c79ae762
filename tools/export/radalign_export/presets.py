"""Each model family's image preprocessing, as model.json states it (docs/model-format.md), read from the family's
own source so that radalign's tensors are the ones the family's code would make (docs/models.md, parity table).

`IMAGE[name]` holds the whole `image` block; `options(name)` the fields beyond size / resize / mean / std, which the
recipes take as `image_options`.
"""
OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_STD = [0.26862954, 0.26130258, 0.27577711]

IMAGE = {
    # open_clip image_transform (inference): torchvision Resize(size, BICUBIC) on a PIL image (PIL's antialiased
    # bicubic; the long side int(size * long / short)), CenterCrop(size) (int(round((h - size) / 2.0))), then the
    # conversion to RGB (so palette and RGBA images are resized in their own mode), ToTensor, Normalize.
    # BiomedCLIP goes through the same transform. Mean/std: the model's own (preprocess_cfg).
    'open_clip': {'resize': 'shortest-edge', 'filter': 'bicubic', 'resizeRounding': 'truncate',
                  'cropRounding': 'half-even', 'resizeBeforeConvert': True},
    # transformers CLIPImageProcessor: PIL resize with `resample` (3 = bicubic) to size.shortest_edge, long side
    # truncated (get_resize_output_image_size), center_crop to crop_size with (h - th) // 2, rescale, normalize.
    'hf_clip': {'resize': 'shortest-edge', 'filter': 'bicubic', 'resizeRounding': 'truncate', 'cropRounding': 'floor'},
    # CheXzero (rajpurkarlab/CheXzero): data_process.img_to_hdf5 reads with cv2 (BGR -> RGB), `preprocess` resizes
    # with PIL LANCZOS (Image.ANTIALIAS) to int(x * ratio), ratio = 320 / max(w, h), and pastes onto a black 'L'
    # 320 x 320 square at ((320 - w) // 2, (320 - h) // 2); zero_shot.py repeats it to 3 channels, Normalize((101.48761,)
    # * 3, (83.43944,) * 3) on 0..255 values, and Resize(224, BICUBIC) on the float tensor, which torchvision 0.11.3
    # (its pin) runs as F.interpolate(bicubic, align_corners=False) without antialiasing.
    'chexzero': {'size': 224, 'resize': 'squash', 'mean': [101.48761 / 255] * 3, 'std': [83.43944 / 255] * 3,
                 'filter': 'bicubic', 'antialias': False,
                 'before': {'size': 320, 'resize': 'letterbox', 'filter': 'lanczos', 'resizeRounding': 'truncate-ratio',
                            'cropRounding': 'floor', 'greyscale': True}},
    # BioViL (microsoft/hi-ml, hi-ml-multimodal): io.load_image reads with skimage and remap_to_uint8 stretches min..max
    # to 0..255 (truncating), then 'L'; create_chest_xray_transform_for_inference(512, 480): Resize(512) (PIL bilinear,
    # antialiased), CenterCrop(480), ToTensor (0..1, no normalisation), ExpandChannels (3).
    'biovil': {'size': 480, 'resize': 'shortest-edge', 'shortestEdge': 512, 'mean': [0.0] * 3, 'std': [1.0] * 3,
               'filter': 'bilinear', 'resizeRounding': 'truncate', 'cropRounding': 'half-even',
               'intensity': 'min-max', 'greyscale': True},
}

BASE_FIELDS = ('size', 'resize', 'mean', 'std', 'channels')

# PIL resample codes (Image.Resampling), as preprocessor_config.json writes them, to model.json filters.
PIL_FILTERS = {0: 'nearest', 1: 'lanczos', 2: 'bilinear', 3: 'bicubic'}


def options(name):
    """The family's image fields beyond size / resize / mean / std / channels."""
    return {k: v for k, v in IMAGE[name].items() if k not in BASE_FIELDS}
