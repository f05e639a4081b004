// Disk image transfer over ovcpd's HTTP endpoints, with progress:
//   PUT /import_raw_vdi?session_id=&vdi=&format=raw|qcow2   (body: the image)
//   GET /export_raw_vdi?session_id=&vdi=&format=raw|qcow2
// XMLHttpRequest for the upload (fetch has no upload progress); a streamed
// fetch for the download. onProgress gets a fraction 0..1 (or null when the
// size is unknown).
import { XapiError } from './xapi.js';

function query(session, vdi, format) {
  return new URLSearchParams({ session_id: session.ref, vdi, format }).toString();
}

function httpError(status, text) {
  // The server may put a XenAPI error code in the body.
  const code = /^[A-Z][A-Z0-9_]+$/.test((text || '').trim().split(/\s/)[0] || '') ? text.trim().split(/\s/)[0] : null;
  return code ? new XapiError(code, text.trim().split(/\s+/).slice(1)) : new XapiError('HTTP_ERROR', [String(status), (text || '').trim().slice(0, 200)]);
}

export function uploadVdi(session, vdi, file, format, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `/import_raw_vdi?${query(session, vdi, format)}`);
    xhr.upload.onprogress = (e) => onProgress(e.lengthComputable ? e.loaded / e.total : null);
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(httpError(xhr.status, xhr.responseText)));
    xhr.onerror = () => reject(new XapiError('NETWORK_ERROR', ['upload failed']));
    xhr.send(file);
  });
}

export async function downloadVdi(session, vdi, format, expectedSize, onProgress) {
  const res = await fetch(`/export_raw_vdi?${query(session, vdi, format)}`);
  if (!res.ok) throw httpError(res.status, await res.text());
  const total = Number(res.headers.get('Content-Length')) || expectedSize || 0;
  const reader = res.body.getReader();
  const chunks = [];
  let got = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    got += value.length;
    onProgress(total ? Math.min(1, got / total) : null);
  }
  return new Blob(chunks, { type: 'application/octet-stream' });
}

/** Virtual size of an image file: a qcow2 header says it; raw is the file size. */
export async function imageVirtualSize(file) {
  const head = new DataView(await file.slice(0, 32).arrayBuffer());
  if (head.byteLength >= 32 && head.getUint32(0) === 0x514649fb) {
    return { format: 'qcow2', size: Number(head.getBigUint64(24)) };
  }
  return { format: 'raw', size: file.size };
}

export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
