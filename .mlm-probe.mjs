import * as tf from '@tensorflow/tfjs';
const ml = await import('./packages/ml/src/backend.ts');
await ml.selectBackend();
const time = (f, n=10) => { f(); const s=performance.now(); for (let i=0;i<n;i++) f(); return (performance.now()-s)/n; };
for (const [m,k,n] of [[512,512,512],[256,64,256],[16384,16,256],[16384,64,256],[64,16384,256],[256,256,64]]) {
  const a = tf.randomNormal([m,k]), b = tf.randomNormal([k,n]);
  const ms = time(()=>tf.tidy(()=>tf.matMul(a,b).dataSync()));
  console.log(m,k,n, ms.toFixed(3),'ms', (2*m*k*n/ms/1e6).toFixed(2),'GFLOP/s');
}
