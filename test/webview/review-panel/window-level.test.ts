// Window/level for 16-bit and DICOM pixels in the viewer, and zoom/pan.
import assert from 'node:assert/strict';
import { fitTransform, panBy, screenToImage, zoomAt } from '../../../webview/review-panel/view-transform';
import { dragWindow, samplesFromBytes, samplesToRgba, windowLut } from '../../../webview/review-panel/window-level';

describe('webview window/level', () => {
  it('maps center ± width/2 to black and white, linear between, clamped outside', () => {
    const lut = windowLut({ center: 1000, width: 200 }, 65535, false);
    assert.equal(lut.length, 65536);
    assert.equal(lut[0], 0);
    assert.equal(lut[900], 0);
    assert.equal(lut[1000], 128);
    assert.equal(lut[1050], 191);
    assert.equal(lut[1100], 255);
    assert.equal(lut[65535], 255);
  });

  it('inverts for MONOCHROME1', () => {
    const lut = windowLut({ center: 127.5, width: 255 }, 255, true);
    assert.equal(lut[0], 255);
    assert.equal(lut[255], 0);
  });

  it('turns grey and RGB samples into opaque RGBA through the LUT', () => {
    const lut = windowLut({ center: 2, width: 4 }, 4, false);
    assert.deepEqual(Array.from(samplesToRgba(Uint16Array.from([0, 4]), 1, lut)), [0, 0, 0, 255, 255, 255, 255, 255]);
    assert.deepEqual(Array.from(samplesToRgba(Uint8Array.from([0, 2, 4]), 3, lut)), [0, 128, 255, 255]);
  });

  it('reads 16-bit samples from bytes, aligned or not', () => {
    const bytes = new Uint8Array(new Uint16Array([1, 513]).buffer);
    assert.deepEqual(Array.from(samplesFromBytes(bytes, 16)), [1, 513]);
    const shifted = new Uint8Array(5);
    shifted.set(bytes, 1);
    assert.deepEqual(Array.from(samplesFromBytes(shifted.subarray(1), 16)), [1, 513]);
  });

  it('drags: right widens, down lowers the centre, bounded', () => {
    assert.deepEqual(dragWindow({ center: 100, width: 50 }, 10, 20, 2, 255), { center: 60, width: 70 });
    assert.equal(dragWindow({ center: 100, width: 50 }, -1000, 0, 1, 255).width, 1);
  });
});

describe('webview view transform', () => {
  it('fits, zooms about the pointer, pans and maps back to image pixels', () => {
    const fit = fitTransform(200, 100, 400, 400);
    assert.deepEqual(fit, { scale: 2, tx: 0, ty: 100 });
    const zoomed = zoomAt(fit, 2, 100, 200, fit.scale);
    // The image point under the pointer stays under it.
    assert.deepEqual(screenToImage(zoomed, 100, 200), screenToImage(fit, 100, 200));
    assert.equal(zoomed.scale, 4);
    assert.deepEqual(screenToImage(panBy(fit, 10, 0), 10, 100), { x: 0, y: 0 });
    assert.equal(zoomAt(fit, 0.001, 0, 0, fit.scale).scale, 0.5, 'never smaller than a quarter of the fit');
  });
});
