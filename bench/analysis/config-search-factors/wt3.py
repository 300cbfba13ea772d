import sys, math, numpy as np
sys.path.insert(0,__import__('os').path.dirname(__import__('os').path.abspath(__file__)))
import wt2, mape as M, ev as E
_p=wt2._p
def preds(v, train, shots, qs):
    if v[0]=='ensl':
        parts=[_p(x,train,shots,qs) for x in v[1]]
        ms=[wt2.loo_mse(train,x,None) for x in v[1]]
        W=len(train)*v[2]
        lw=np.array([-W/2*math.log(m) for m in ms]); w=np.exp(lw-lw.max()); w/=w.sum()
        return sum(a*p for a,p in zip(w,parts))
    return wt2.preds(v,train,shots,qs)
E.preds=preds
mode=sys.argv[1]
vs=[eval(x) for x in sys.argv[2:]]
o=E.run(M.folds_of(mode),vs)
for v in vs: print(mode,'%-70s'%str(v),' '.join('%.3f'%o[(v,k)][0] for k in (1,2,3)),'mean %.3f'%np.mean([o[(v,k)][0] for k in (1,2,3)]),flush=True)
